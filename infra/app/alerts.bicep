// Alerts on what needs a person: messages given up on (poison), a burst of failed WhatsApp sends, and ingest
// answering 5xx (Z-API's callbacks not being stored). All are log alerts on Application Insights data.

param namePrefix string
param location string
param tags object
param applicationInsightsId string

@description('E-mail address alerted; empty creates the action group without receivers.')
param alertEmail string

param erroredSendsQueueName string

@description('Errored sends in 15 minutes above which to alert.')
@minValue(1)
param erroredSendsThreshold int

@description('Ingest 5xx answers in 15 minutes above which to alert.')
@minValue(0)
param ingestFailuresThreshold int

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-alerts'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'zapialerts'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operator'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

var rules = [
  {
    name: '${namePrefix}-poison-messages'
    description: 'A message was moved to ${erroredSendsQueueName}-poison: it failed every try. Inspect and replay it.'
    severity: 1
    // The Functions host logs the move ("... Moving message to queue '<name>-poison'").
    query: 'traces | where message has "${erroredSendsQueueName}-poison"'
    threshold: 0
  }
  {
    name: '${namePrefix}-errored-sends-spike'
    description: 'More than ${erroredSendsThreshold} failed WhatsApp sends in 15 minutes. See the errored sends by category.'
    severity: 2
    // Logged once per newly recorded failure by ErroredSendProcessor (event 3001).
    query: 'traces | where message startswith "Errored send "'
    threshold: erroredSendsThreshold
  }
  {
    name: '${namePrefix}-ingest-failures'
    description: 'The On send webhook answered 5xx more than ${ingestFailuresThreshold} times in 15 minutes: callbacks are not being stored.'
    severity: 1
    query: 'union (requests | where operation_Name =~ "OnSend" and toint(resultCode) >= 500 | project operation_Id), (traces | where message startswith "Could not enqueue callback " | project operation_Id) | distinct operation_Id'
    threshold: ingestFailuresThreshold
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: rule.name
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.name
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [applicationInsightsId]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [actionGroup.id]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
output alertRuleNames array = [for (rule, i) in rules: alertRules[i].name]
