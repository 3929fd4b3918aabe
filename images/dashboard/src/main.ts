/**
 * The dashboard process: settings from the environment, PostgreSQL when
 * DATABASE_URL is set or files in DASHBOARD_DATA_DIR, and a clean stop on SIGTERM.
 */
import { configFromEnv } from "./config";
import { createDashboard } from "./server";
import { FileStore, type DashboardStore } from "./store";
import { PostgresStore } from "./store-postgres";

export async function openStore(config: { databaseUrl?: string; dataDir: string }): Promise<DashboardStore> {
  return config.databaseUrl ? PostgresStore.open(config.databaseUrl) : new FileStore(config.dataDir);
}

async function main(): Promise<void> {
  const config = configFromEnv(process.env);
  const store = await openStore(config);
  const dashboard = createDashboard(config, store);
  const port = await dashboard.listen();
  console.log(
    `dashboard ${config.serviceName} on ${config.host}:${port}${config.prefix}, storage: ${config.databaseUrl ? "postgresql" : config.dataDir}`,
  );
  const stop = () => {
    void dashboard
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
