-- Migration 1796403163_autoincrement_keys of D1 database "db", planned by cloesce migrate.
-- Apply it with: wrangler d1 migrations apply db

-- rebuild table "WeatherReport": its key "id" becomes AUTOINCREMENT, so that the keys of deleted rows are never used again; the rows of "Weather", which depend on it, are moved out and back
CREATE TABLE "_cloesce_bak_WeatherReport" AS SELECT * FROM "WeatherReport";
CREATE TABLE "_cloesce_bak_Weather" AS SELECT * FROM "Weather";
DELETE FROM "Weather";
DROP TABLE "WeatherReport";
CREATE TABLE "WeatherReport" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "title" TEXT NOT NULL,
  "description" TEXT NOT NULL
);
INSERT INTO "WeatherReport" ("id", "title", "description") SELECT "id", "title", "description" FROM "_cloesce_bak_WeatherReport";
INSERT INTO "Weather" ("id", "weatherReportId", "dateTime", "location", "temperature", "condition") SELECT "id", "weatherReportId", "dateTime", "location", "temperature", "condition" FROM "_cloesce_bak_Weather";
DROP TABLE "_cloesce_bak_WeatherReport";
DROP TABLE "_cloesce_bak_Weather";

-- rebuild table "Weather": its key "id" becomes AUTOINCREMENT, so that the keys of deleted rows are never used again
CREATE TABLE "_cloesce_bak_Weather" AS SELECT * FROM "Weather";
DROP TABLE "Weather";
CREATE TABLE "Weather" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "weatherReportId" INTEGER NOT NULL,
  "dateTime" TEXT NOT NULL,
  "location" TEXT NOT NULL,
  "temperature" INTEGER NOT NULL,
  "condition" TEXT NOT NULL,
  FOREIGN KEY ("weatherReportId") REFERENCES "WeatherReport" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "Weather" ("id", "weatherReportId", "dateTime", "location", "temperature", "condition") SELECT "id", "weatherReportId", "dateTime", "location", "temperature", "condition" FROM "_cloesce_bak_Weather";
DROP TABLE "_cloesce_bak_Weather";
