-- Migration 1796413558_indexes of D1 database "db", planned by cloesce migrate.
-- Apply it with: wrangler d1 migrations apply db

-- add index "idx_Weather_weatherReportId" on "Weather"."weatherReportId"
CREATE INDEX "idx_Weather_weatherReportId" ON "Weather" ("weatherReportId");
