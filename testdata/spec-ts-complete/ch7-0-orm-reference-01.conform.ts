// GeneratedSource.Default of WeatherReport as the ORM Reference lists it:
// tree, selectQuery, getQuery/get, listQuery/list (D1 statements) and save.
import { WeatherReport, type Env } from "@cloesce/backend.js";

export async function conform(env: Env) {
  const source = WeatherReport.GeneratedSource.Default;
  const tree: object = source.tree;
  const sql: string = source.selectQuery;
  const statements: D1PreparedStatement[] = [source.getQuery(env, 1), source.listQuery(env, 0, 10)];
  const one: WeatherReport.Self | null = await source.get(env, 1);
  const many: WeatherReport.Self[] = await source.list(env, 0, 10);
  const saved: WeatherReport.Self = await source.save(env, { title: "t" });
  return { tree, sql, statements, one, many, saved };
}
