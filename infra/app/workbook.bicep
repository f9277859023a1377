// The operations workbook, saved in the resource group and linked to Application Insights (sourceId), so it opens from
// the Application Insights resource (Workbooks) with that resource as the data source. Its content is workbook.json
// (the portal's "Advanced editor" format); the Application Insights id is written into its fallback resource.

param location string
param tags object
param applicationInsightsName string

@description('Title shown in the portal\'s workbook gallery.')
param displayName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; this one is derived from its Application Insights, so redeploying updates it.
  name: guid(applicationInsights.id, 'zapi-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: applicationInsights.id
    serializedData: replace(loadTextContent('workbook.json'), '__APPLICATION_INSIGHTS_ID__', applicationInsights.id)
  }
}

output id string = workbook.id
output name string = workbook.name
@description('Opens the workbook in the Azure portal.')
output portalUrl string = '${environment().portal}/#@/resource${workbook.id}'
