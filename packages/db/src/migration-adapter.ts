import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const NAME_OID = 19;
const TEXT_OID = 25;

interface Field {
  dataTypeID: number;
}

/**
 * The pg adapter cannot read columns of type `name` (OID 19), which the
 * migration engine's catalogue queries return (prisma/orm#27403). This pool
 * reports them as text, which they are in every way that matters here.
 */
class NameAsTextPool extends pg.Pool {
  // pg's query() has many overloads; the adapter only uses the promise form.
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((res: { fields?: Field[] } | undefined) => {
        for (const f of res?.fields ?? []) if (f.dataTypeID === NAME_OID) f.dataTypeID = TEXT_OID;
        return res;
      }) as never;
    }
    return result as never;
  }
}

/**
 * Connection settings as separate fields rather than a connection string:
 * the adapter opens its shadow database as `{ ...config, database }`, which a
 * connection string would silently override.
 */
const poolConfig = (url: string): pg.PoolConfig => {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined,
    ssl: ["require", "verify-full", "verify-ca"].includes(u.searchParams.get("sslmode") ?? "") ? true : undefined,
    max: 2,
  };
};

/**
 * The adapter's `executeScript` splits a migration on every `;`, which cuts
 * a function body (`$$ … ; … $$`) apart. A migration goes to Postgres whole
 * instead, as one simple query: Postgres parses it, and runs it as one
 * implicit transaction.
 */
class WholeScriptPg extends PrismaPg {
  override async connect(): ReturnType<PrismaPg["connect"]> {
    const adapter = await super.connect();
    adapter.executeScript = async (script: string) => {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    };
    return adapter;
  }
}

/** The driver adapter `prisma migrate` runs on (WebAssembly schema engine, no binary download). */
export const createMigrationAdapter = (url: string): Promise<PrismaPg> => Promise.resolve(new WholeScriptPg(new NameAsTextPool(poolConfig(url))));
