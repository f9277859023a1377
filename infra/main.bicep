// ZapiFunctions: everything a deployment needs, in one resource group.
// Deploy with `azd up`, or `az deployment group create` + `func azure functionapp publish` (README, "Deploy").
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(32)
@description('Name of the environment (azd env name), used to name and tag resources.')
param environmentName string

@description('Region of every resource. Must offer Flex Consumption.')
param location string = resourceGroup().location

@description('E-mail address for alerts; empty creates the alerts without an e-mail receiver.')
param alertEmail string = ''

@description('Comma-separated Z-API instance ids allowed to post (Zapi__AllowedInstanceIds); empty allows all.')
param allowedInstanceIds string = ''

@description('Your HTTPS endpoint told about each new failed send (Zapi__NotifyUrl); empty turns it off.')
param notifyUrl string = ''

@description('Largest callback body accepted, bytes (Zapi__MaxBodyBytes).')
@minValue(256)
@maxValue(4194304)
param maxBodyBytes int = 65536

@description('Deadline of one queue write before answering 503 (Zapi__EnqueueTimeout).')
param enqueueTimeout string = '00:00:05'

@description('Flex Consumption memory per instance, MB. 512: the worker peaked at ~150 MiB under 64 concurrent callbacks, and on demand billing is per GB-s of instance memory (README "Costs and scaling").')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 512

@description('Flex Consumption maximum instance count.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Errored sends of one category in 15 minutes above which to alert.')
@minValue(1)
param erroredSendsAlertThreshold int = 50

@description('Ingest 5xx answers in 15 minutes above which to alert.')
@minValue(0)
param ingestFailuresAlertThreshold int = 5

@description('Age, minutes, of the oldest message in zapi-deliveries or zapi-errored-sends above which to alert.')
@minValue(1)
param backlogAgeAlertMinutes int = 30

@description('Hours without any callback from Z-API after which to alert; 0 turns that alert off.')
@minValue(0)
@maxValue(48)
param silenceAlertHours int = 24

@description('Optional: your principal id, granted the storage data roles to debug against Azure (azd sets AZURE_PRINCIPAL_ID).')
param principalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param principalType string = 'User'

// Names the app reads with these defaults (ZapiOptions); tests assert they stay equal.
var deliveriesQueueName = 'zapi-deliveries'
var erroredSendsQueueName = 'zapi-errored-sends'
var erroredSendsTableName = 'ZapiErroredSends'
var deploymentContainerName = 'app-package'

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var namePrefix = 'zapi-${environmentName}'
var tags = {
  'azd-env-name': environmentName
  application: 'zapi-functions'
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${namePrefix}-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'stzapi${resourceToken}'
    location: location
    tags: tags
    deliveriesQueueName: deliveriesQueueName
    erroredSendsQueueName: erroredSendsQueueName
    erroredSendsTableName: erroredSendsTableName
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${namePrefix}-${resourceToken}'
    applicationInsightsName: 'appi-${namePrefix}-${resourceToken}'
    location: location
    tags: tags
  }
}

module roles 'app/roles.bicep' = {
  name: 'roles'
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
  }
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  // The app starts as soon as it exists: its roles must be in place first.
  dependsOn: [roles]
  params: {
    planName: 'plan-${namePrefix}-${resourceToken}'
    functionAppName: 'func-${namePrefix}-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    deliveriesQueueName: deliveriesQueueName
    erroredSendsQueueName: erroredSendsQueueName
    erroredSendsTableName: erroredSendsTableName
    allowedInstanceIds: allowedInstanceIds
    maxBodyBytes: maxBodyBytes
    enqueueTimeout: enqueueTimeout
    notifyUrl: notifyUrl
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: namePrefix
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmail: alertEmail
    erroredSendsQueueName: erroredSendsQueueName
    erroredSendsThreshold: erroredSendsAlertThreshold
    ingestFailuresThreshold: ingestFailuresAlertThreshold
    backlogAgeMinutes: backlogAgeAlertMinutes
    silenceHours: silenceAlertHours
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  params: {
    location: location
    tags: tags
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    displayName: 'ZapiFunctions (${environmentName})'
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
@description('Register this URL, plus ?code=<function key>, as the instance\'s On send webhook.')
output ZAPI_WEBHOOK_URL string = 'https://${functionApp.outputs.defaultHostName}/api/zapi/on-send'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output ZAPI_DELIVERIES_QUEUE string = deliveriesQueueName
output ZAPI_ERRORED_SENDS_QUEUE string = erroredSendsQueueName
output ZAPI_ERRORED_SENDS_TABLE string = erroredSendsTableName
output ALERT_RULE_NAMES array = alerts.outputs.alertRuleNames
@description('Resource id of the operations workbook (Application Insights > Workbooks).')
output ZAPI_WORKBOOK_ID string = workbook.outputs.id
@description('Opens the operations workbook in the Azure portal.')
output ZAPI_WORKBOOK_URL string = workbook.outputs.portalUrl
