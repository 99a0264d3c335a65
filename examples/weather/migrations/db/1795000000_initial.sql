-- Migration 1795000000_initial of D1 database "db", planned by cloesce migrate.
-- Apply it with: wrangler d1 migrations apply db

-- create table "WeatherReport"
CREATE TABLE "WeatherReport" (
  "id" INTEGER PRIMARY KEY,
  "title" TEXT NOT NULL,
  "description" TEXT NOT NULL
);

-- create table "Weather"
CREATE TABLE "Weather" (
  "id" INTEGER PRIMARY KEY,
  "weatherReportId" INTEGER NOT NULL,
  "dateTime" TEXT NOT NULL,
  "location" TEXT NOT NULL,
  "temperature" INTEGER NOT NULL,
  "condition" TEXT NOT NULL,
  FOREIGN KEY ("weatherReportId") REFERENCES "WeatherReport" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
