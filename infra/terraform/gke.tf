# Nodes run as their own service account with only logging and monitoring, not the default compute one.
resource "google_service_account" "nodes" {
  account_id   = "${var.environment}-gke-nodes"
  display_name = "GKE nodes (${var.environment})"
}

resource "google_project_iam_member" "nodes" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_container_cluster" "primary" {
  name     = local.cluster_name
  location = var.cluster_location

  # The default pool cannot be autoscaled independently; the api-server pool below replaces it.
  remove_default_node_pool = true
  initial_node_count       = 1
  deletion_protection      = true

  network         = google_compute_network.vpc.name
  subnetwork      = google_compute_subnetwork.subnet.name
  networking_mode = "VPC_NATIVE"

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = var.master_ipv4_cidr
  }

  dynamic "master_authorized_networks_config" {
    for_each = length(var.master_authorized_cidrs) > 0 ? [1] : []
    content {
      dynamic "cidr_blocks" {
        for_each = var.master_authorized_cidrs
        content {
          cidr_block = cidr_blocks.value
        }
      }
    }
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  release_channel {
    channel = var.release_channel
  }

  # Rollgate's gateway-api router writes HTTPRoutes; GKE installs the Gateway API CRDs with this.
  gateway_api_config {
    channel = "CHANNEL_STANDARD"
  }

  resource_labels = local.labels
}

resource "google_container_node_pool" "primary_nodes" {
  name     = "api-server-pool"
  location = var.cluster_location
  cluster  = google_container_cluster.primary.name

  # No node_count: with autoscaling it would fight the autoscaler on every apply.
  initial_node_count = var.node_min_count

  autoscaling {
    min_node_count = var.node_min_count
    max_node_count = var.node_max_count
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  # Node upgrades as the workloads roll: one extra node, never one fewer.
  upgrade_settings {
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    preemptible     = false
    machine_type    = var.node_machine_type
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    labels = {
      env = var.environment
    }
    tags = ["api-server", var.environment]

    metadata = {
      disable-legacy-endpoints = "true"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}
