variable "project_id" {
  description = "Google Cloud project that holds the platform."
  type        = string
}

variable "environment" {
  description = "Environment name, used in resource names and labels (production, staging)."
  type        = string
  default     = "production"

  validation {
    condition     = contains(["production", "staging", "dev"], var.environment)
    error_message = "environment must be production, staging or dev."
  }
}

variable "region" {
  description = "Region of the database, the cache and the network (spec: Tokyo)."
  type        = string
  default     = "asia-northeast1"
}

variable "cluster_location" {
  description = "GKE location: a zone (as in the spec) or a region for a control plane replicated across zones."
  type        = string
  default     = "asia-northeast1-a"
}

variable "cluster_name" {
  description = "GKE cluster name; empty means \"<environment>-cluster\"."
  type        = string
  default     = ""
}

variable "release_channel" {
  description = "GKE release channel that drives the nodes' auto-upgrades."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "node_machine_type" {
  description = "Machine type of the api-server node pool (spec: n1-standard-2)."
  type        = string
  default     = "n1-standard-2"
}

variable "node_min_count" {
  description = "Fewest nodes the autoscaler keeps (per zone of the cluster location)."
  type        = number
  default     = 3

  validation {
    condition     = var.node_min_count >= 1
    error_message = "node_min_count must be at least 1."
  }
}

variable "node_max_count" {
  description = "Most nodes the autoscaler adds (per zone of the cluster location)."
  type        = number
  default     = 10

  validation {
    condition     = var.node_max_count >= 1
    error_message = "node_max_count must be at least 1."
  }
}

variable "subnet_cidr" {
  description = "Primary range of the cluster subnet (nodes)."
  type        = string
  default     = "10.10.0.0/20"
}

variable "pods_cidr" {
  description = "Secondary range for pods (VPC-native cluster: pods reach Cloud SQL's private address)."
  type        = string
  default     = "10.20.0.0/14"
}

variable "services_cidr" {
  description = "Secondary range for Kubernetes Services."
  type        = string
  default     = "10.24.0.0/20"
}

variable "master_ipv4_cidr" {
  description = "/28 for the private cluster's control plane."
  type        = string
  default     = "172.16.0.0/28"
}

variable "master_authorized_cidrs" {
  description = "Networks allowed to reach the Kubernetes API (CI runners, a VPN). Required: [] opens it to the internet."
  type        = list(string)
}

variable "db_version" {
  description = "Cloud SQL database version (Rollgate and video-api are tested on PostgreSQL 15)."
  type        = string
  default     = "POSTGRES_15"
}

variable "db_tier" {
  description = "Cloud SQL machine tier (spec: 4 vCPU, 16 GB)."
  type        = string
  default     = "db-custom-4-16384"
}

variable "db_max_connections" {
  description = "max_connections; covers video-api's pools at the HPA's maximum plus Rollgate's replicas."
  type        = number
  default     = 200
}

variable "db_shared_buffers_8kb" {
  description = "shared_buffers in 8 kB pages, the flag's unit (524288 = 4 GiB; the spec's 4096000 would be 31 GiB)."
  type        = number
  default     = 524288
}

variable "db_backup_start_time" {
  description = "Daily backup start, UTC (18:00 UTC is 03:00 JST, the quietest hour of a video platform)."
  type        = string
  default     = "18:00"
}

variable "db_maintenance_day" {
  description = "Maintenance day, UTC, 1 = Monday ... 7 = Sunday (6 at 19 UTC is Sunday 04:00 JST)."
  type        = number
  default     = 6
}

variable "db_maintenance_hour" {
  description = "Maintenance hour, UTC."
  type        = number
  default     = 19
}

variable "db_backup_retained" {
  description = "How many daily backups are kept."
  type        = number
  default     = 14
}

variable "db_log_retention_days" {
  description = "Days of write-ahead log kept for point-in-time recovery (1-7)."
  type        = number
  default     = 7

  validation {
    condition     = var.db_log_retention_days >= 1 && var.db_log_retention_days <= 7
    error_message = "db_log_retention_days must be between 1 and 7."
  }
}

variable "redis_memory_gb" {
  description = "Memorystore capacity in GB."
  type        = number
  default     = 10
}

variable "redis_version" {
  description = "Memorystore Redis version."
  type        = string
  default     = "REDIS_7_0"
}
