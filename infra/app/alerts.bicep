// Alerts on what needs a person, built on the app's OpenTelemetry metrics (Meter "ZapiFunctions", exported by the
// Azure Monitor exporter to Application Insights' customMetrics: name = instrument name, customDimensions = tags,
// value = the delta sum of a counter or the last value of a gauge) and, for ingest, the OnSend request telemetry.
// Never on log text. Each rule is a log search alert scoped to Application Insights, so its query uses the classic
// table names (customMetrics, requests); each description says what to do.

param namePrefix string
param location string
param tags object
param applicationInsightsId string

@description('E-mail address alerted; empty creates the action group without receivers.')
param alertEmail string

param erroredSendsQueueName string

@description('Errored sends of one category in 15 minutes above which to alert.')
@minValue(1)
param erroredSendsThreshold int

@description('Ingest 5xx answers in 15 minutes above which to alert.')
@minValue(0)
param ingestFailuresThreshold int

@description('Age, minutes, of the oldest message in zapi-deliveries or zapi-errored-sends above which to alert.')
@minValue(1)
param backlogAgeMinutes int

@description('Hours without any callback after which to alert; 0 creates no silence alert.')
@minValue(0)
@maxValue(48)
param silenceHours int

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

// Instrument names (ZapiFunctions.Core.Telemetry.ZapiTelemetry); the tests compare them.
var callbacksReceived = 'zapi.callbacks.received'
var erroredSends = 'zapi.errored_sends'
var queueOldestAge = 'zapi.queue.oldest_age'
var deadLetters = 'zapi.dead_letters'

// The ingest HTTP requests, whatever the host names them (function name, or method and route): the shared
// /zapi/on-send and the per-instance /instance/<instanceId>/delivery, which `zapi webhook register` sets by default.
var ingestRequests = 'requests | where name =~ "OnSend" or operation_Name =~ "OnSend" or url has "/zapi/on-send" or url matches regex "/instance/[^/?]+/delivery"'

// Metric-measurement rules: the query yields AggregatedValue per 5-minute bin (and per dimension); the rule
// aggregates it over the window with timeAggregation and compares it with the threshold.
var rules = [
  {
    name: '${namePrefix}-dead-letters'
    description: 'Errored sends failed every try and were kept in the dead-letters table. Run `zapi poison peek` to see which (not an envelope, or the table or notify endpoint kept failing; each try\'s error is logged with the message id, EventId 3003), fix the cause, then `zapi poison replay --all`.'
    severity: 1
    query: 'customMetrics | where name == "${deadLetters}" | summarize AggregatedValue = sum(value) by bin(timestamp, 5m)'
    timeAggregation: 'Total'
    metricMeasureColumn: 'AggregatedValue'
    dimensions: []
    operator: 'GreaterThan'
    threshold: 0
    windowSize: 'PT15M'
    evaluationFrequency: 'PT5M'
    enabled: true
  }
  {
    name: '${namePrefix}-errored-sends-spike'
    description: 'More than ${erroredSendsThreshold} failed WhatsApp sends of one category (the alert\'s dimension) in 15 minutes. Run `zapi errored list --category <category> --since 1h` and follow the advice of each row; the workbook\'s "Errored sends by category" says what the category means.'
    severity: 2
    query: 'customMetrics | where name == "${erroredSends}" | summarize AggregatedValue = sum(value) by bin(timestamp, 5m), category = tostring(customDimensions.category)'
    timeAggregation: 'Total'
    metricMeasureColumn: 'AggregatedValue'
    dimensions: [
      {
        name: 'category'
        operator: 'Include'
        values: ['*']
      }
    ]
    operator: 'GreaterThan'
    threshold: erroredSendsThreshold
    windowSize: 'PT15M'
    evaluationFrequency: 'PT5M'
    enabled: true
  }
  {
    name: '${namePrefix}-ingest-failures'
    description: 'The On send webhook answered 5xx more than ${ingestFailuresThreshold} times in 15 minutes: callbacks are not being stored. Run `zapi health --url https://<function app host> --code <key>` to see which queue or storage check fails, and fix storage access (the app\'s identity roles, the account\'s network rules).'
    severity: 1
    // The larger of the counter (503 when the queue was unavailable) and the failed OnSend requests (any 5xx, also
    // when the app failed before counting): one failure is counted once.
    query: 'let unavailable = customMetrics | where name == "${callbacksReceived}" and tostring(customDimensions.outcome) == "unavailable" | summarize n = sum(value) by timestamp = bin(timestamp, 5m); let failed = ${ingestRequests} | where toint(resultCode) >= 500 | summarize n = todouble(count()) by timestamp = bin(timestamp, 5m); union unavailable, failed | summarize AggregatedValue = max(n) by timestamp'
    timeAggregation: 'Total'
    metricMeasureColumn: 'AggregatedValue'
    dimensions: []
    operator: 'GreaterThan'
    threshold: ingestFailuresThreshold
    windowSize: 'PT15M'
    evaluationFrequency: 'PT5M'
    enabled: true
  }
  {
    // Any such callback is a registration to fix, not a rate to tolerate: the threshold is 0.
    // callback_type is "unknown" when the app that counted it did not tag the type.
    name: '${namePrefix}-misrouted-webhooks'
    description: 'Z-API posted callbacks of another webhook type (the alert\'s dimension, callback_type: ReceivedCallback, MessageStatusCallback, PresenceChatCallback, ConnectedCallback, DisconnectedCallback, ProxyCallback or other) to the On send URL, which rejects them (reason unexpected-type): the URL was set for every webhook (Z-API\'s update-every-webhooks) or pasted into another webhook\'s field. Run `zapi webhook show --json` to see every webhook URL of the instance, `zapi webhook register` to set this URL as the On send (delivery) webhook only, and give the other webhooks their own URLs, or none, in the Z-API panel.'
    severity: 2
    query: 'customMetrics | where name == "${callbacksReceived}" and tostring(customDimensions.outcome) == "rejected" and tostring(customDimensions.reason) == "unexpected-type" | summarize AggregatedValue = sum(value) by bin(timestamp, 5m), callback_type = coalesce(tostring(customDimensions.callback_type), "unknown")'
    timeAggregation: 'Total'
    metricMeasureColumn: 'AggregatedValue'
    dimensions: [
      {
        name: 'callback_type'
        operator: 'Include'
        values: ['*']
      }
    ]
    operator: 'GreaterThan'
    threshold: 0
    windowSize: 'PT15M'
    evaluationFrequency: 'PT5M'
    enabled: true
  }
  {
    name: '${namePrefix}-backlog-age'
    description: 'The oldest message in a queue (the alert\'s dimension) is more than ${backlogAgeMinutes} minutes old. Run `zapi queues stats`; for ${erroredSendsQueueName}, check that the ErroredSend function runs and why it fails (exceptions in Application Insights); for zapi-deliveries, your consumer is stopped or behind; for a -poison queue, the DeadLetter function cannot keep messages in the dead-letters table (its failures are in Application Insights).'
    severity: 2
    query: 'customMetrics | where name == "${queueOldestAge}" | extend queue = tostring(customDimensions.queue) | summarize AggregatedValue = max(value) / 60.0 by bin(timestamp, 5m), queue'
    timeAggregation: 'Maximum'
    metricMeasureColumn: 'AggregatedValue'
    dimensions: [
      {
        name: 'queue'
        operator: 'Include'
        values: ['*']
      }
    ]
    operator: 'GreaterThan'
    threshold: backlogAgeMinutes
    windowSize: 'PT15M'
    evaluationFrequency: 'PT5M'
    enabled: true
  }
  {
    // Table rows, not a measure: a window without any row is 0, which a measured value could not express.
    name: '${namePrefix}-silence'
    description: 'No callback from Z-API for ${silenceHours} hours. Run `zapi webhook show` to check the registered On send URL, check in the Z-API panel that the instance is connected, and run `zapi health` against the app.'
    severity: 2
    query: 'customMetrics | where name == "${callbacksReceived}" and value > 0'
    timeAggregation: 'Count'
    metricMeasureColumn: ''
    dimensions: []
    operator: 'LessThan'
    threshold: 1
    windowSize: 'PT${max(silenceHours, 1)}H'
    evaluationFrequency: 'PT1H'
    enabled: silenceHours > 0
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: if (rule.enabled) {
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
      evaluationFrequency: rule.evaluationFrequency
      windowSize: rule.windowSize
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.timeAggregation
            metricMeasureColumn: empty(rule.metricMeasureColumn) ? null : rule.metricMeasureColumn
            dimensions: rule.dimensions
            operator: rule.operator
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
output alertRuleNames array = [for rule in filter(rules, r => r.enabled): rule.name]
