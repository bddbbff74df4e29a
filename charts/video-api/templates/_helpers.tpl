{{/*
The chart's name: with rollgate.managed Rollgate's application name, since Rollgate labels its pods
app.kubernetes.io/name=<application>; otherwise the chart's (or nameOverride).
*/}}
{{- define "video-api.name" -}}
{{- if .Values.rollgate.managed -}}
{{- .Values.rollgate.application -}}
{{- else -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
The name of the objects. With rollgate.managed it is the application, because Rollgate finds the Services,
routes and the HPA's target by <application>, <application>-stable, <application>-canary. Otherwise the usual
<release>-<chart>, shortened to 63 characters (DNS names).
*/}}
{{- define "video-api.fullname" -}}
{{- if .Values.rollgate.managed -}}
{{- .Values.rollgate.application -}}
{{- else if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The chart label's value: name-version, "+" not being allowed in a label. */}}
{{- define "video-api.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels of every object: Helm's recommended ones, Rollgate's `app` and, with rollgate.managed, the environment
under rollgate.dev/release as Rollgate labels its own objects. Helm sets app.kubernetes.io/managed-by to Helm on
whatever it applies, whatever a template says.
*/}}
{{- define "video-api.labels" -}}
helm.sh/chart: {{ include "video-api.chart" . }}
{{ include "video-api.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app: {{ include "video-api.name" . }}
{{- if .Values.rollgate.managed }}
rollgate.dev/release: {{ .Values.rollgate.environment }}
{{- end }}
{{- end -}}

{{/*
The chart's Deployment's selector (rollgate.managed false). Immutable once created, so it holds only labels
that never change.
*/}}
{{- define "video-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "video-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Rollgate's selector of one track's pods: app + track, as DeploymentSpec.selector writes them.
Call with (dict "root" $ "track" "stable").
*/}}
{{- define "video-api.trackSelector" -}}
app: {{ include "video-api.name" .root }}
track: {{ .track }}
{{- end -}}

{{/*
The main Service's selector before Rollgate ever changed it. istio: both tracks' pods, because a DestinationRule
subset only narrows the endpoints of the Service its host names (the canary subset would have none otherwise).
gateway-api and none: the stable track, where all traffic is until a release moves it. Without Rollgate: the
chart's pods.
*/}}
{{- define "video-api.mainSelector" -}}
{{- if not .Values.rollgate.managed -}}
{{ include "video-api.selectorLabels" . }}
{{- else if eq .Values.routing.mode "istio" -}}
app: {{ include "video-api.name" . }}
{{- else -}}
{{ include "video-api.trackSelector" (dict "root" . "track" "stable") }}
{{- end -}}
{{- end -}}

{{/* The in-mesh host of the main Service: where every Istio destination goes. */}}
{{- define "video-api.serviceHost" -}}
{{- printf "%s.%s.svc.cluster.local" (include "video-api.fullname" .) .Release.Namespace -}}
{{- end -}}

{{/* The container port: Rollgate's Deployments and the image both listen on 8080 (DeploymentSpec.PORT, PORT). */}}
{{- define "video-api.containerPort" -}}
8080
{{- end -}}

{{/* The image reference of the chart's Deployment: the tag defaults to the appVersion. */}}
{{- define "video-api.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding DATABASE_URL, and the one holding JWT_SECRET: existingSecret replaces both names. */}}
{{- define "video-api.databaseSecret" -}}
{{- default .Values.secrets.database.name .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "video-api.jwtSecret" -}}
{{- default .Values.secrets.jwt.name .Values.secrets.existingSecret -}}
{{- end -}}

{{/*
What Rollgate last set on one of its routes, as it records it on every write: rollgate.dev/weights on the
VirtualService or HTTPRoute ("<stable>/<canary>/<preview track or ->", e.g. 75/25/canary), rollgate.dev/route on
the main Service (stable, canary or both). Read with lookup on upgrades only: on install nothing of Rollgate's can
be there (Helm would refuse to adopt an object labelled by Rollgate), and `helm template` has no cluster.
Call with (dict "root" $ "apiVersion" .. "kind" .. "annotation" ..); renders the recorded value or nothing.
*/}}
{{- define "video-api.recordedByRollgate" -}}
{{- if .root.Release.IsUpgrade -}}
{{- $live := lookup .apiVersion .kind .root.Release.Namespace (include "video-api.fullname" .root) -}}
{{- dig "metadata" "annotations" .annotation "" $live -}}
{{- end -}}
{{- end -}}

{{/*
The weights a route renders with: Rollgate's record when it has written the route (a well-formed one, totalling
100 as Rollgate's are), else all on stable. Renders "<stable>/<canary>/<preview>".
*/}}
{{- define "video-api.routeWeights" -}}
{{- $recorded := include "video-api.recordedByRollgate" . -}}
{{- $parts := splitList "/" $recorded -}}
{{- if and (regexMatch "^[0-9]{1,3}/[0-9]{1,3}/(-|stable|canary)$" $recorded) (eq (add (index $parts 0 | int) (index $parts 1 | int)) 100) -}}
{{- $recorded -}}
{{- else -}}
100/0/-
{{- end -}}
{{- end -}}
