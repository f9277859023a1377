// Storage for the app: queues, the errored-sends and dead-letters tables and the Flex Consumption deployment container.
// Shared keys are off: everything, the Functions host included, authenticates with Entra ID.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string
param location string
param tags object

@description('Queue for successful sends (app setting Zapi__DeliveriesQueue).')
param deliveriesQueueName string
@description('Queue for failed sends (app setting Zapi__ErroredSendsQueue); the runtime adds "-poison".')
param erroredSendsQueueName string
@description('Table of errored sends (app setting Zapi__ErroredSendsTable).')
param erroredSendsTableName string
@description('Table of dead letters, messages that failed their last try (app setting Zapi__DeadLettersTable).')
param deadLettersTableName string
@description('Blob container for Flex Consumption deployment packages.')
param deploymentContainerName string

@description('Private networking (network.bicep): no public network access; the app reaches the account through private endpoints.')
param vnetEnabled bool = false

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
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
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

    resource erroredSendsPoison 'queues' = {
      name: '${erroredSendsQueueName}-poison'
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource erroredSendsTable 'tables' = {
      name: erroredSendsTableName
    }

    resource deadLettersTable 'tables' = {
      name: deadLettersTableName
    }
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
