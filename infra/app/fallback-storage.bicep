// The fallback storage account (ZapiFallbackStorage): takes callbacks when the primary account cannot. Deployed only
// with main.bicep's fallbackLocation, in that region. The same security settings as the primary (shared keys off, TLS
// 1.2+, HTTPS only, no public blob access); it holds only the two ingest queues, and the app's identity may only read
// and write their messages (Storage Queue Data Contributor), as may the optional developer principal.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string
@description('Region of the fallback account; ideally not the primary\'s.')
param location string
param tags object

@description('Queue for successful sends (app setting Zapi__DeliveriesQueue).')
param deliveriesQueueName string
@description('Queue for failed sends (app setting Zapi__ErroredSendsQueue).')
param erroredSendsQueueName string

@description('Principal id of the app\'s managed identity.')
param appPrincipalId string

@description('Optional principal id (a user or group) granted the same role, to drain by hand (zapi fallback drain).')
param developerPrincipalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param developerPrincipalType string = 'User'

// Built-in role definition id (the same in every tenant).
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource deliveries 'queues' = {
      name: deliveriesQueueName
    }

    resource erroredSends 'queues' = {
      name: erroredSendsQueueName
    }
  }
}

resource appQueueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource developerQueueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(storage.id, developerPrincipalId, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

output name string = storage.name
output queueEndpoint string = storage.properties.primaryEndpoints.queue
