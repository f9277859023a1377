// The Flex Consumption (FC1, Linux) plan and the function app: HTTPS only, TLS 1.2+, no FTP, no basic-auth
// publishing, identity-based storage and Application Insights. Every Zapi__* setting the app reads is written here
// with the names of local.settings.sample.json (tests/ZapiFunctions.BicepTests checks both against the code).

param planName string
param functionAppName string
param location string
param tags object

@description('Resource id of the app\'s user-assigned managed identity.')
param identityId string
@description('Client id of that identity: used by the Functions host and the app to pick it.')
param identityClientId string

param storageAccountName string
param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainerName string

param applicationInsightsConnectionString string

@description('Subnet (delegated to Microsoft.App/environments) to integrate the app into; empty: no virtual network.')
param virtualNetworkSubnetId string = ''

@description('Memory per instance, MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Upper bound of instances the plan may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

// The app's own settings (Zapi section), passed through unchanged.
@description('Queue for successful sends; empty: delivered callbacks are acknowledged and not stored.')
param deliveriesQueueName string
param erroredSendsQueueName string
param erroredSendsTableName string
param deadLettersTableName string
@description('Time-to-live of each deliveries message (d.hh:mm:ss); -1: never expires.')
param deliveriesTimeToLive string
@description('Time-to-live of each errored-sends message (d.hh:mm:ss); -1: never expires.')
param erroredSendsTimeToLive string
param allowedInstanceIds string
param maxBodyBytes int
param enqueueTimeout string
param notifyUrl string
@description('How long errored-send rows and dead letters (full phone numbers) are kept after last seen (d.hh:mm:ss).')
param erroredSendsRetention string
@description('Export everything about every callback (Zapi__FullTelemetry); false: the per-callback budget.')
param fullTelemetry bool
@description('Share of the worker\'s traces exported, 0 to 1, whole traces by trace id (Zapi__TraceSamplingRatio).')
param traceSamplingRatio string

@description('Queue endpoint of the fallback storage account (ZapiFallbackStorage); empty: no fallback.')
param fallbackQueueEndpoint string = ''

// Identity-based, as AzureWebJobsStorage: the app reads ZapiFallbackStorage exactly like it (docs/configuration.md, "Fallback storage").
var fallbackSettings = empty(fallbackQueueEndpoint)
  ? {}
  : {
      ZapiFallbackStorage__queueServiceUri: fallbackQueueEndpoint
      ZapiFallbackStorage__credential: 'managedidentity'
      ZapiFallbackStorage__clientId: identityClientId
    }

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'zapi' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    // The fallback's settings are added only when there is one.
    properties: union({
      // Identity-based host storage: no connection string, no key.
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__blobServiceUri: blobEndpoint
      AzureWebJobsStorage__queueServiceUri: queueEndpoint
      AzureWebJobsStorage__tableServiceUri: tableEndpoint
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      // Telemetry (host.json "telemetryMode": "OpenTelemetry"): the host and the worker each export with the Azure
      // Monitor exporter to this resource, Entra-authenticated as the app's identity (the component has local auth
      // disabled; the identity has Monitoring Metrics Publisher). The worker reads both settings in
      // src/ZapiFunctions.Core/Telemetry (AddZapiTelemetry).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      // Keep every trace in the host's exporter (its default may rate-limit): one request record per callback, which
      // the alerts count. The worker's sampler is set in code from Zapi__TraceSamplingRatio, which takes precedence
      // over these there.
      OTEL_TRACES_SAMPLER: 'microsoft.fixed_percentage'
      OTEL_TRACES_SAMPLER_ARG: '1.0'
      Zapi__DeliveriesQueue: deliveriesQueueName
      Zapi__ErroredSendsQueue: erroredSendsQueueName
      Zapi__ErroredSendsTable: erroredSendsTableName
      Zapi__DeadLettersTable: deadLettersTableName
      Zapi__DeliveriesTimeToLive: deliveriesTimeToLive
      Zapi__ErroredSendsTimeToLive: erroredSendsTimeToLive
      Zapi__AllowedInstanceIds: allowedInstanceIds
      Zapi__MaxBodyBytes: string(maxBodyBytes)
      Zapi__EnqueueTimeout: enqueueTimeout
      Zapi__NotifyUrl: notifyUrl
      Zapi__ErroredSendsRetention: erroredSendsRetention
      Zapi__FullTelemetry: string(fullTelemetry)
      Zapi__TraceSamplingRatio: traceSamplingRatio
    }, fallbackSettings)
  }

  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
