# Spec §6: the production platform on Google Cloud — GKE, Cloud SQL for PostgreSQL, Memorystore for Redis.
# Parsed in CI (hcl2json, TerraformModuleTests); never applied from this repository's CI.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # State holds the cluster's CA and the database's addresses: keep it in a bucket, not on a laptop.
  # terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=video-platform/production"
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}
