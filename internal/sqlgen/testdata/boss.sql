-- Select
SELECT
    "Boss"."id" AS "id",
    "Person_1"."id" AS "persons.id",
    "Person_1"."bossId" AS "persons.bossId",
    "Dog_2"."id" AS "persons.dogs.id",
    "Dog_2"."personId" AS "persons.dogs.personId",
    "Cat_3"."id" AS "persons.cats.id",
    "Cat_3"."personId" AS "persons.cats.personId"
FROM "Boss"
LEFT JOIN "Person" AS "Person_1"
    ON "Boss"."id" = "Person_1"."bossId"
LEFT JOIN "Dog" AS "Dog_2"
    ON "Person_1"."id" = "Dog_2"."personId"
LEFT JOIN "Cat" AS "Cat_3"
    ON "Person_1"."id" = "Cat_3"."personId";

-- Get
WITH "$roots" AS (SELECT "id" FROM "Boss" WHERE "id" = ?1)
SELECT
    "Boss"."id" AS "id",
    "Person_1"."$json" AS "persons"
FROM "Boss"
LEFT JOIN (
    SELECT "Person_1"."bossId" AS "bossId", json_group_array(json_array("Person_1"."id", "Person_1"."bossId", json("Dog_2"."$json"), json("Cat_3"."$json")) ORDER BY "Person_1"."id") AS "$json"
    FROM "Person" AS "Person_1"
    LEFT JOIN (
        SELECT "Dog_2"."personId" AS "personId", json_group_array(json_array("Dog_2"."id", "Dog_2"."personId") ORDER BY "Dog_2"."id") AS "$json"
        FROM "Dog" AS "Dog_2"
        WHERE "Dog_2"."personId" IN (SELECT "Person"."id" FROM "Person" WHERE "Person"."bossId" IN (SELECT "id" FROM "$roots"))
        GROUP BY "Dog_2"."personId"
    ) AS "Dog_2"
        ON "Person_1"."id" = "Dog_2"."personId"
    LEFT JOIN (
        SELECT "Cat_3"."personId" AS "personId", json_group_array(json_array("Cat_3"."id", "Cat_3"."personId") ORDER BY "Cat_3"."id") AS "$json"
        FROM "Cat" AS "Cat_3"
        WHERE "Cat_3"."personId" IN (SELECT "Person"."id" FROM "Person" WHERE "Person"."bossId" IN (SELECT "id" FROM "$roots"))
        GROUP BY "Cat_3"."personId"
    ) AS "Cat_3"
        ON "Person_1"."id" = "Cat_3"."personId"
    WHERE "Person_1"."bossId" IN (SELECT "id" FROM "$roots")
    GROUP BY "Person_1"."bossId"
) AS "Person_1"
    ON "Boss"."id" = "Person_1"."bossId"
WHERE "Boss"."id" = ?1;

-- List
WITH "$roots" AS (
    SELECT "id" FROM "Boss"
    WHERE "id" >= coalesce(?1, -9223372036854775808) AND "id" IS NOT ?1
    ORDER BY "id"
    LIMIT ?2
)
SELECT
    "Boss"."id" AS "id",
    "Person_1"."$json" AS "persons"
FROM "Boss"
LEFT JOIN (
    SELECT "Person_1"."bossId" AS "bossId", json_group_array(json_array("Person_1"."id", "Person_1"."bossId", json("Dog_2"."$json"), json("Cat_3"."$json")) ORDER BY "Person_1"."id") AS "$json"
    FROM "Person" AS "Person_1"
    LEFT JOIN (
        SELECT "Dog_2"."personId" AS "personId", json_group_array(json_array("Dog_2"."id", "Dog_2"."personId") ORDER BY "Dog_2"."id") AS "$json"
        FROM "Dog" AS "Dog_2"
        WHERE "Dog_2"."personId" IN (SELECT "Person"."id" FROM "Person" WHERE "Person"."bossId" IN (SELECT "id" FROM "$roots"))
        GROUP BY "Dog_2"."personId"
    ) AS "Dog_2"
        ON "Person_1"."id" = "Dog_2"."personId"
    LEFT JOIN (
        SELECT "Cat_3"."personId" AS "personId", json_group_array(json_array("Cat_3"."id", "Cat_3"."personId") ORDER BY "Cat_3"."id") AS "$json"
        FROM "Cat" AS "Cat_3"
        WHERE "Cat_3"."personId" IN (SELECT "Person"."id" FROM "Person" WHERE "Person"."bossId" IN (SELECT "id" FROM "$roots"))
        GROUP BY "Cat_3"."personId"
    ) AS "Cat_3"
        ON "Person_1"."id" = "Cat_3"."personId"
    WHERE "Person_1"."bossId" IN (SELECT "id" FROM "$roots")
    GROUP BY "Person_1"."bossId"
) AS "Person_1"
    ON "Boss"."id" = "Person_1"."bossId"
WHERE "Boss"."id" >= coalesce(?1, -9223372036854775808) AND "Boss"."id" IS NOT ?1
ORDER BY "Boss"."id"
LIMIT ?2;
