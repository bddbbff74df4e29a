locals {
  cluster_name = var.cluster_name != "" ? var.cluster_name : "${var.environment}-cluster"
  labels = {
    environment = var.environment
    managed-by  = "terraform"
  }
}

resource "google_compute_network" "vpc" {
  name                    = "video-platform-${var.environment}"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "subnet" {
  name                     = "video-platform-${var.environment}-gke"
  region                   = var.region
  network                  = google_compute_network.vpc.id
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = var.pods_cidr
  }

  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = var.services_cidr
  }
}

# Private services access: Cloud SQL and Memorystore get addresses inside the VPC and no public IP.
resource "google_compute_global_address" "private_services" {
  name          = "video-platform-${var.environment}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 16
  network       = google_compute_network.vpc.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.vpc.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

# Private nodes have no external address; NAT lets them pull images from GHCR.
resource "google_compute_router" "nat" {
  name    = "video-platform-${var.environment}-nat"
  region  = var.region
  network = google_compute_network.vpc.id
}

resource "google_compute_router_nat" "nat" {
  name                               = "video-platform-${var.environment}-nat"
  router                             = google_compute_router.nat.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}
