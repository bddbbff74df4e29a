# Spec §6.3. video-api does not use Redis today (the compose stack leaves it out); the cache is provisioned
# for the platform's other services as the spec describes.
resource "google_redis_instance" "cache" {
  name           = "video-platform-redis-${var.environment}"
  tier           = "STANDARD_HA"
  memory_size_gb = var.redis_memory_gb
  region         = var.region
  redis_version  = var.redis_version
  display_name   = "Video Platform Redis (${var.environment})"
  labels         = local.labels

  authorized_network = google_compute_network.vpc.id
  connect_mode       = "PRIVATE_SERVICE_ACCESS"
  depends_on         = [google_service_networking_connection.private_services]

  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"

  redis_configs = {
    maxmemory-policy = "allkeys-lru"
  }
}
