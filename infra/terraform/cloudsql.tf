resource "google_sql_database_instance" "postgres" {
  name             = "video-platform-db-${var.environment}"
  database_version = var.db_version
  region           = var.region

  # The private address only exists once the VPC peering does.
  depends_on = [google_service_networking_connection.private_services]

  settings {
    tier              = var.db_tier
    availability_type = "REGIONAL"
    disk_autoresize   = true
    user_labels       = local.labels

    backup_configuration {
      enabled                        = true
      start_time                     = var.db_backup_start_time
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = var.db_log_retention_days

      backup_retention_settings {
        retained_backups = var.db_backup_retained
        retention_unit   = "COUNT"
      }
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.vpc.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    maintenance_window {
      day          = var.db_maintenance_day
      hour         = var.db_maintenance_hour
      update_track = "stable"
    }

    database_flags {
      name  = "max_connections"
      value = tostring(var.db_max_connections)
    }

    database_flags {
      name  = "shared_buffers"
      value = tostring(var.db_shared_buffers_8kb)
    }
  }

  deletion_protection = true
}

resource "google_sql_database" "video_platform" {
  name     = "video_platform"
  instance = google_sql_database_instance.postgres.name
}

# Rollgate's releases, events, leases and audit log, beside the workload's data on the same instance.
resource "google_sql_database" "rollgate" {
  name     = "rollgate"
  instance = google_sql_database_instance.postgres.name
}

resource "google_sql_database_instance" "postgres_replica" {
  name                 = "video-platform-db-${var.environment}-replica-1"
  master_instance_name = google_sql_database_instance.postgres.name
  database_version     = var.db_version
  region               = var.region

  replica_configuration {
    failover_target = false
  }

  settings {
    tier              = var.db_tier
    availability_type = "ZONAL"
    disk_autoresize   = true
    user_labels       = local.labels

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.vpc.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    database_flags {
      name  = "max_connections"
      value = tostring(var.db_max_connections)
    }
  }

  deletion_protection = true
}
