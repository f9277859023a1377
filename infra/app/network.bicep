// Private networking (main.bicep's vnetEnabled): a virtual network with
// - subnet `app`, delegated to Microsoft.App/environments, into which the Flex Consumption app is integrated
//   (the site's virtualNetworkSubnetId, set in function-app.bicep), and
// - subnet `private-endpoints`, holding one private endpoint per storage service the app uses (blob: host and
//   deployment package; queue: ingest and the ErroredSend trigger; table: the errored-sends ledger),
// each with its private DNS zone privatelink.<service>.<storage suffix> linked to the network, so that inside it the
// account's public host names resolve to the endpoints' private addresses. The storage account itself turns public
// network access off when this module is deployed (storage.bicep's vnetEnabled).
// Subnet names have no underscore: Flex Consumption does not support one in the integration subnet's name.

param vnetName string
param location string
param tags object

@description('Storage account that gets the private endpoints.')
param storageAccountName string

@description('Address space of the virtual network.')
param addressPrefix string = '10.0.0.0/16'

@description('Subnet for the app (delegated to Microsoft.App/environments). One Flex Consumption app may use up to about 40 addresses.')
param appSubnetPrefix string = '10.0.1.0/24'

@description('Subnet for the storage private endpoints.')
param privateEndpointSubnetPrefix string = '10.0.2.0/24'

var appSubnetName = 'app'
var privateEndpointSubnetName = 'private-endpoints'

// The storage services the app reaches, in the order blob, queue, table: one endpoint and one DNS zone each.
var storageServices = ['blob', 'queue', 'table']

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: appSubnetName
  }

  resource privateEndpointSubnet 'subnets' existing = {
    name: privateEndpointSubnetName
  }
}

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for service in storageServices: {
    name: 'privatelink.${service}.${environment().suffixes.storage}'
    location: 'global'
    tags: tags
  }
]

resource dnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (service, i) in storageServices: {
    parent: dnsZones[i]
    name: '${vnetName}-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for service in storageServices: {
    name: 'pe-${storageAccountName}-${service}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: vnet::privateEndpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: '${storageAccountName}-${service}'
          properties: {
            privateLinkServiceId: storage.id
            groupIds: [service]
          }
        }
      ]
    }
  }
]

resource dnsZoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (service, i) in storageServices: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: service
          properties: {
            privateDnsZoneId: dnsZones[i].id
          }
        }
      ]
    }
  }
]

@description('Resource id of the subnet the app is integrated into.')
output appSubnetId string = vnet::appSubnet.id
output vnetName string = vnet.name
