# What the charts and Rollgate's configuration need (see README, "Provisioning Google Cloud with Terraform").

output "cluster_name" {
  description = "GKE cluster: gcloud container clusters get-credentials <name> --location <location>."
  value       = google_container_cluster.primary.name
}

output "cluster_location" {
  description = "Zone or region of the cluster."
  value       = google_container_cluster.primary.location
}

output "cluster_endpoint" {
  description = "Kubernetes API address (for CI runners inside master_authorized_cidrs)."
  value       = google_container_cluster.primary.endpoint
  sensitive   = true
}

output "database_private_ip" {
  description = "Cloud SQL primary's private address: the host in db-credentials' DATABASE_URL and Rollgate's database URL."
  value       = google_sql_database_instance.postgres.private_ip_address
}

output "database_connection_name" {
  description = "Instance connection name, for the Cloud SQL Auth Proxy if used instead of the private address."
  value       = google_sql_database_instance.postgres.connection_name
}

output "database_replica_private_ip" {
  description = "Read replica's private address (read-only traffic)."
  value       = google_sql_database_instance.postgres_replica.private_ip_address
}

output "database_names" {
  description = "Databases created on the primary."
  value       = [google_sql_database.video_platform.name, google_sql_database.rollgate.name]
}

output "redis_host" {
  description = "Memorystore primary endpoint."
  value       = google_redis_instance.cache.host
}

output "redis_port" {
  description = "Memorystore port."
  value       = google_redis_instance.cache.port
}
