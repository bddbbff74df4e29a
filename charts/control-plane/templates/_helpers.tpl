{{/*
The chart's name, or nameOverride.
*/}}
{{- define "control-plane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The objects' name: fullnameOverride, else <release>-<name> (the release name alone when it already contains the
name). Truncated to 63 characters, the limit of a DNS label.
*/}}
{{- define "control-plane.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The name of cluster-scoped objects: unique per release namespace as well, since two namespaces may hold releases of
the same name.
*/}}
{{- define "control-plane.clusterName" -}}
{{- printf "%s-%s" .Release.Namespace (include "control-plane.fullname" .) }}
{{- end }}

{{/*
chart-version for the helm.sh/chart label.
*/}}
{{- define "control-plane.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The recommended labels, on every object.
*/}}
{{- define "control-plane.labels" -}}
helm.sh/chart: {{ include "control-plane.chart" . }}
{{ include "control-plane.selectorLabels" . }}
app.kubernetes.io/version: {{ include "control-plane.version" . | quote }}
app.kubernetes.io/component: control-plane
app.kubernetes.io/part-of: rollgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
What the Deployment, Service, PodDisruptionBudget and NetworkPolicy select pods by. Never change these: a
Deployment's selector is immutable.
*/}}
{{- define "control-plane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "control-plane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The version running: the image tag, else the appVersion, fit for a label value.
*/}}
{{- define "control-plane.version" -}}
{{- default .Chart.AppVersion .Values.image.tag | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The ServiceAccount Rollgate runs as.
*/}}
{{- define "control-plane.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "control-plane.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name the existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The routers the environments use, sorted and without repeats, as a JSON list.
*/}}
{{- define "control-plane.routers" -}}
{{- $routers := list }}
{{- range $name, $env := .Values.environments }}
{{- $routers = append $routers $env.router }}
{{- end }}
{{- $routers | uniq | sortAlpha | toJson }}
{{- end }}

{{/*
Every namespace Rollgate acts in: kubernetes.namespaces and each environment's, sorted, as a JSON list.
*/}}
{{- define "control-plane.namespaces" -}}
{{- $namespaces := .Values.kubernetes.namespaces }}
{{- range $name, $env := .Values.environments }}
{{- $namespaces = append $namespaces $env.namespace }}
{{- end }}
{{- $namespaces | uniq | sortAlpha | toJson }}
{{- end }}

{{/*
The namespaced RBAC rules: exactly what the Kubernetes platform calls for the routers in use and the smoke mode
(KubernetesPermissions in Rollgate's code; ControlPlaneChartRbacTests holds the two equal). Nothing is deleted, and
no Secret or ConfigMap is read: the tracks name them, the kubelet reads them.
*/}}
{{- define "control-plane.rbacRules" -}}
{{- $routers := include "control-plane.routers" . | fromJsonArray -}}
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update, patch]
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [services]
  {{- if has "service" $routers }}
  # update: the service router switches the selector of Service <app>.
  verbs: [get, list, watch, create, update]
  {{- else }}
  verbs: [get, list, watch, create]
  {{- end }}
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [list, watch]
{{- if has "istio" $routers }}
- apiGroups: [networking.istio.io]
  resources: [virtualservices, destinationrules]
  verbs: [get, list, watch, create, update]
{{- end }}
{{- if has "gateway-api" $routers }}
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, list, watch, create, update]
{{- end }}
{{- if eq .Values.kubernetes.smoke "api-proxy" }}
- apiGroups: [""]
  resources: [services/proxy]
  verbs: [get]
{{- end }}
{{- end }}

{{/*
The cluster-scoped rule of rbac.namespaceCheck: get on the namespaces Rollgate acts in, by name.
*/}}
{{- define "control-plane.namespaceRule" -}}
- apiGroups: [""]
  resources: [namespaces]
  verbs: [get]
  resourceNames: {{ include "control-plane.namespaces" . }}
{{- end }}

{{/*
A secretKeyRef environment variable: (list root ENV_NAME reference).
*/}}
{{- define "control-plane.secretEnv" -}}
{{- $root := index . 0 }}
{{- $ref := index . 2 -}}
- name: {{ index . 1 }}
  valueFrom:
    secretKeyRef:
      name: {{ default $ref.name $root.Values.secrets.existingSecret }}
      key: {{ $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}

{{/*
Refuses values that would install a Rollgate unable to do its work; each message says what to change.
*/}}
{{- define "control-plane.validate" -}}
{{- range $builtIn := list "dev" "staging" "production" }}
{{- if not (hasKey $.Values.environments $builtIn) }}
{{- fail (printf "environments.%s: Rollgate's built-in configuration defines environments dev, staging and production on the local platform, and this chart's configuration is merged over it, so each must be defined here (on the kubernetes platform) or it would stay local" $builtIn) }}
{{- end }}
{{- end }}
{{- range $name, $env := .Values.environments }}
{{- if and $.Values.rbac.create (not $.Values.rbac.clusterWide) (not (has $env.namespace $.Values.kubernetes.namespaces)) }}
{{- fail (printf "environments.%s.namespace: %s is not in kubernetes.namespaces, so Rollgate would have no Role there; add it, or set rbac.clusterWide" $name $env.namespace) }}
{{- end }}
{{- if eq $env.router "gateway-api" }}
{{- $options := index $.Values.kubernetes.environments $name | default dict }}
{{- if not $options.parentRefs }}
{{- fail (printf "kubernetes.environments.%s.parentRefs: environment %s routes with gateway-api, whose HTTPRoute needs its parent Gateways (namespace/name)" $name $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Rollgate's application.yml: the policy (rollgate.*) on the kubernetes platform, the OAuth2 client, then extraConfig.
Secret values never appear: they reach Rollgate as environment variables the shipped configuration (or the
placeholders below) reads.
*/}}
{{- define "control-plane.config" -}}
{{- $kubernetes := omit (deepCopy .Values.kubernetes) "namespaces" }}
{{- $_ := set $kubernetes "enabled" true }}
{{- $environments := dict }}
{{- range $name, $env := .Values.environments }}
{{- $_ := set $environments $name (merge (dict "platform" "kubernetes") (deepCopy $env)) }}
{{- end }}
{{- $rollgate := dict
    "kubernetes" $kubernetes
    "applications" (deepCopy .Values.applications)
    "environments" $environments
    "prometheus" (dict
      "endpoints" (dict "default" (dict "url" .Values.prometheus.url "timeout" .Values.prometheus.timeout))
      "environments" (deepCopy .Values.prometheus.environments))
    "github" (dict "release-environment" .Values.github.releaseEnvironment "api-url" .Values.github.apiUrl)
    "slack" (dict "channels" (deepCopy .Values.slack.channels) "users" (deepCopy .Values.slack.users)
      "default-role" .Values.slack.defaultRole)
    "console" (dict "roles" (deepCopy .Values.console.roles) "unknown-users" .Values.console.unknownUsers
      "group-claim" .Values.console.groupClaim "confirm-by-name" .Values.console.confirmByName) }}
{{- $config := dict "rollgate" $rollgate }}
{{- if .Values.oauth2.enabled }}
{{- $registration := dict "client-id" .Values.oauth2.clientId "client-secret" "${ROLLGATE_OAUTH2_CLIENT_SECRET}" "scope" .Values.oauth2.scopes }}
{{- $client := dict "registration" (dict .Values.oauth2.registration $registration) }}
{{- if .Values.oauth2.issuerUri }}
{{- $_ := set $client "provider" (dict .Values.oauth2.registration (dict "issuer-uri" .Values.oauth2.issuerUri)) }}
{{- end }}
{{- $_ := set $config "spring" (dict "security" (dict "oauth2" (dict "client" $client))) }}
{{- end }}
{{- mustMergeOverwrite $config (deepCopy .Values.extraConfig) | toYaml }}
{{- end }}

{{/*
Rollgate's URL inside the cluster, through its Service.
*/}}
{{- define "control-plane.serviceUrl" -}}
{{- $host := printf "%s.%s.svc" (include "control-plane.fullname" .) .Release.Namespace }}
{{- if eq (int .Values.service.port) 80 }}
{{- printf "http://%s" $host }}
{{- else }}
{{- printf "http://%s:%d" $host (int .Values.service.port) }}
{{- end }}
{{- end }}
