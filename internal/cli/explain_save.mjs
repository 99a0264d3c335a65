// Run by cloesce explain (internal/cli/explain.go) with node: reads
// {entry, schema, jobs} on stdin, imports the runtime package at entry (the
// project's node_modules/cloesce, as the Worker bundles it), and prints the
// save plan of each job: {model, value, include}.
import { pathToFileURL } from "node:url";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { entry, schema, jobs } = JSON.parse(input);
const rt = await import(pathToFileURL(entry).href);
const out = { version: rt.VERSION ?? "unknown", plans: [] };
if (typeof rt.Orm?.planSave !== "function") {
  out.error = `the runtime package at ${entry} (version ${out.version}) has no save planner to ask (Orm.planSave); install the runtime of this compiler`;
} else {
  for (const job of jobs) {
    try {
      const plan = rt.Orm.planSave(rt.modelMeta(schema, job.model), job.value, job.include);
      out.plans.push({
        statements: plan.statements.map((s) => ({ sql: s.sql })),
        select: plan.select,
        keys: plan.keys,
        kv_writes: plan.kvWrites,
      });
    } catch (e) {
      out.plans.push({ error: String(e?.message ?? e) });
    }
  }
}
process.stdout.write(JSON.stringify(out));
