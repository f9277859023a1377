// ZapiFunctions: everything a deployment needs, in one resource group.
// Deploy with `azd up`, or `az deployment group create` + `func azure functionapp publish` (docs/deploy.md).
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

@description('Largest callback body accepted, bytes (Zapi__MaxBodyBytes); at most 48000, what always fits one queue message.')
@minValue(256)
@maxValue(48000)
param maxBodyBytes int = 48000

@description('Deadline of one queue write before answering 503 (Zapi__EnqueueTimeout).')
param enqueueTimeout string = '00:00:05'

@description('How long errored-send rows and dead letters, which hold full phone numbers, are kept after last seen (Zapi__ErroredSendsRetention, d.hh:mm:ss, 1 day to 10 years).')
param erroredSendsRetention string = '90.00:00:00'

@description('Export everything about every callback (Zapi__FullTelemetry); false: a delivered callback costs one exported item beside metrics, errored sends, refusals and failures keep everything (docs/monitoring.md).')
param fullTelemetry bool = false

@description('Share of the worker\'s traces exported, 0 to 1 (Zapi__TraceSamplingRatio), kept or dropped whole by trace id; metrics are never sampled. 1.0 keeps every trace: a sampled-out callback, errored or not, has none to look up (docs/monitoring.md).')
param traceSamplingRatio string = '1.0'

@description('Keep successful sends in the deliveries queue for a consumer (Zapi__DeliveriesQueue); false: they are acknowledged and not stored.')
param storeDeliveries bool = true

@description('Time-to-live of each deliveries message, d.hh:mm:ss (Zapi__DeliveriesTimeToLive); -1: never expires.')
param deliveriesTimeToLive string = '-1'

@description('Time-to-live of each errored-sends message, d.hh:mm:ss (Zapi__ErroredSendsTimeToLive); -1: never expires.')
param erroredSendsTimeToLive string = '-1'

@description('Flex Consumption memory per instance, MB. 512: the worker peaked at ~150 MiB under 64 concurrent callbacks, and on demand billing is per GB-s of instance memory (docs/scale.md).')
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

@description('Region of a second storage account that takes callbacks when the primary cannot (ZapiFallbackStorage); empty (the default): no fallback. Pick a region other than location.')
param fallbackLocation string = ''

@description('Optional: your principal id, granted the storage data roles to debug against Azure (azd sets AZURE_PRINCIPAL_ID).')
param principalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param principalType string = 'User'

@description('Private networking: a virtual network with the app integrated into a delegated subnet and the storage account reachable only through private endpoints (blob, queue, table). docs/deploy.md, "Private networking".')
param vnetEnabled bool = false

// Names the app reads with these defaults (ZapiOptions); tests assert they stay equal.
var deliveriesQueueName = 'zapi-deliveries'
var erroredSendsQueueName = 'zapi-errored-sends'
var erroredSendsTableName = 'ZapiErroredSends'
var deadLettersTableName = 'ZapiDeadLetters'
// Zapi__DeliveriesQueue: empty turns the deliveries queue off (delivered callbacks acknowledged, not stored).
var deliveriesQueueSetting = storeDeliveries ? deliveriesQueueName : ''
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
    deadLettersTableName: deadLettersTableName
    deploymentContainerName: deploymentContainerName
    vnetEnabled: vnetEnabled
  }
}

module network 'app/network.bicep' = if (vnetEnabled) {
  name: 'network'
  params: {
    vnetName: 'vnet-${namePrefix}-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
  }
}

// Optional second account in another region; the app writes there when the primary fails (docs/configuration.md, "Fallback storage").
module fallbackStorage 'app/fallback-storage.bicep' = if (!empty(fallbackLocation)) {
  name: 'fallback-storage'
  params: {
    name: 'stzapifb${resourceToken}'
    location: fallbackLocation
    tags: tags
    deliveriesQueueName: deliveriesQueueName
    erroredSendsQueueName: erroredSendsQueueName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
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
    // With vnetEnabled the app starts only after the endpoints and DNS zones exist (this output is a dependency).
    virtualNetworkSubnetId: network.?outputs.appSubnetId ?? ''
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    deliveriesQueueName: deliveriesQueueSetting
    erroredSendsQueueName: erroredSendsQueueName
    erroredSendsTableName: erroredSendsTableName
    deadLettersTableName: deadLettersTableName
    deliveriesTimeToLive: deliveriesTimeToLive
    erroredSendsTimeToLive: erroredSendsTimeToLive
    allowedInstanceIds: allowedInstanceIds
    maxBodyBytes: maxBodyBytes
    enqueueTimeout: enqueueTimeout
    notifyUrl: notifyUrl
    erroredSendsRetention: erroredSendsRetention
    fullTelemetry: fullTelemetry
    traceSamplingRatio: traceSamplingRatio
    // Empty without a fallback; with one, this reference also makes the app wait for the fallback's role.
    fallbackQueueEndpoint: fallbackStorage.?outputs.queueEndpoint ?? ''
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
@description('The shared webhook URL, the same for every instance: register it, plus ?code=<function key>, as an instance\'s On send webhook.')
output ZAPI_WEBHOOK_URL string = 'https://${functionApp.outputs.defaultHostName}/api/zapi/on-send'
@description('The per-instance webhook URL: {instanceId} is a literal placeholder, replace it with the Z-API instance id, then register the URL, plus ?code=<function key>, as that instance\'s On send webhook (zapi webhook register).')
output ZAPI_WEBHOOK_URL_PER_INSTANCE string = 'https://${functionApp.outputs.defaultHostName}/api/instance/{instanceId}/delivery'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
@description('The fallback storage account (ZapiFallbackStorage); empty without fallbackLocation.')
output ZAPI_FALLBACK_STORAGE_ACCOUNT_NAME string = fallbackStorage.?outputs.name ?? ''
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output ZAPI_DELIVERIES_QUEUE string = deliveriesQueueName
output ZAPI_ERRORED_SENDS_QUEUE string = erroredSendsQueueName
output ZAPI_ERRORED_SENDS_TABLE string = erroredSendsTableName
output ZAPI_DEAD_LETTERS_TABLE string = deadLettersTableName
output ALERT_RULE_NAMES array = alerts.outputs.alertRuleNames
@description('Resource id of the operations workbook (Application Insights > Workbooks).')
output ZAPI_WORKBOOK_ID string = workbook.outputs.id
@description('Opens the operations workbook in the Azure portal.')
output ZAPI_WORKBOOK_URL string = workbook.outputs.portalUrl
