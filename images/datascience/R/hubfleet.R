# hubfleet's helpers in R, attached at start (Rprofile.site) as the "hubfleet" environment:
#   con <- explore_connect()                 # the tenant's explore database (RPostgres)
#   s3 <- hubfleet_s3()                      # the tenant's buckets (paws), keys or web identity
#   s3$list_objects_v2(Bucket = Sys.getenv("S3_BUCKET_NAME_LAKE"))
# Credentials stay in the environment; nothing here prints or stores them.

explore_settings <- function(env = Sys.getenv()) {
  parts <- c("EXPLORE_DB_HOST", "EXPLORE_DB_PORT", "EXPLORE_DB_NAME", "EXPLORE_DB_USER", "EXPLORE_DB_PASSWORD")
  value <- function(name) if (name %in% names(env)) unname(env[[name]]) else ""
  missing <- parts[vapply(parts, function(name) value(name) == "", logical(1))]
  if (length(missing) > 0) {
    stop("no explore database here: ", paste(missing, collapse = ", "), " not set", call. = FALSE)
  }
  list(
    host = value("EXPLORE_DB_HOST"),
    port = as.integer(value("EXPLORE_DB_PORT")),
    dbname = value("EXPLORE_DB_NAME"),
    user = value("EXPLORE_DB_USER"),
    password = value("EXPLORE_DB_PASSWORD")
  )
}

explore_connect <- function(env = Sys.getenv()) {
  s <- explore_settings(env)
  DBI::dbConnect(RPostgres::Postgres(), host = s$host, port = s$port, dbname = s$dbname, user = s$user, password = s$password)
}

# Where to reach S3: the MinIO endpoint on local stacks (by path), AWS S3 otherwise. No credentials:
# paws takes the access key or the web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE) itself.
hubfleet_s3_config <- function(env = Sys.getenv()) {
  value <- function(name) if (name %in% names(env)) unname(env[[name]]) else ""
  config <- list()
  region <- value("AWS_DEFAULT_REGION")
  if (region != "") config$region <- region
  endpoint <- value("AWS_ENDPOINT_URL")
  if (endpoint == "") endpoint <- value("S3_ENDPOINT")
  if (endpoint != "") {
    config$endpoint <- endpoint
    config$s3_force_path_style <- TRUE
  }
  config
}

hubfleet_s3 <- function(env = Sys.getenv()) {
  paws.storage::s3(config = hubfleet_s3_config(env))
}
