-- Select
SELECT
    "Enrollment"."studentId" AS "studentId",
    "Enrollment"."courseId" AS "courseId",
    "Enrollment"."grade" AS "grade",
    "Note_1"."id" AS "notes.id",
    "Note_1"."courseId" AS "notes.courseId",
    "Note_1"."studentId" AS "notes.studentId",
    "Student_2"."id" AS "student.id"
FROM "Enrollment"
LEFT JOIN "Note" AS "Note_1"
    ON "Enrollment"."studentId" = "Note_1"."studentId" AND "Enrollment"."courseId" = "Note_1"."courseId"
LEFT JOIN "Student" AS "Student_2"
    ON "Enrollment"."studentId" = "Student_2"."id";

-- Get
WITH "$roots" AS (SELECT "studentId", "courseId" FROM "Enrollment" WHERE ("studentId", "courseId") = (?1, ?2))
SELECT
    "Enrollment"."studentId" AS "studentId",
    "Enrollment"."courseId" AS "courseId",
    "Enrollment"."grade" AS "grade",
    "Note_1"."$json" AS "notes",
    CASE WHEN "Student_2"."id" IS NULL THEN NULL ELSE json_array("Student_2"."id") END AS "student"
FROM "Enrollment"
LEFT JOIN (
    SELECT "Note_1"."studentId" AS "studentId", "Note_1"."courseId" AS "courseId", json_group_array(json_array("Note_1"."id", "Note_1"."courseId", "Note_1"."studentId") ORDER BY "Note_1"."id") AS "$json"
    FROM "Note" AS "Note_1"
    WHERE ("Note_1"."studentId", "Note_1"."courseId") IN (SELECT "studentId", "courseId" FROM "$roots")
    GROUP BY "Note_1"."studentId", "Note_1"."courseId"
) AS "Note_1"
    ON "Enrollment"."studentId" = "Note_1"."studentId" AND "Enrollment"."courseId" = "Note_1"."courseId"
LEFT JOIN "Student" AS "Student_2"
    ON "Enrollment"."studentId" = "Student_2"."id"
WHERE ("Enrollment"."studentId", "Enrollment"."courseId") = (?1, ?2);

-- List
WITH "$roots" AS (
    SELECT "studentId", "courseId" FROM "Enrollment"
    WHERE ("studentId", "courseId") >= (coalesce(?1, -9223372036854775808), coalesce(?2, -9223372036854775808)) AND ("studentId", "courseId") IS NOT (?1, ?2)
    ORDER BY "studentId", "courseId"
    LIMIT ?3
)
SELECT
    "Enrollment"."studentId" AS "studentId",
    "Enrollment"."courseId" AS "courseId",
    "Enrollment"."grade" AS "grade",
    "Note_1"."$json" AS "notes",
    CASE WHEN "Student_2"."id" IS NULL THEN NULL ELSE json_array("Student_2"."id") END AS "student"
FROM "Enrollment"
LEFT JOIN (
    SELECT "Note_1"."studentId" AS "studentId", "Note_1"."courseId" AS "courseId", json_group_array(json_array("Note_1"."id", "Note_1"."courseId", "Note_1"."studentId") ORDER BY "Note_1"."id") AS "$json"
    FROM "Note" AS "Note_1"
    WHERE ("Note_1"."studentId", "Note_1"."courseId") IN (SELECT "studentId", "courseId" FROM "$roots")
    GROUP BY "Note_1"."studentId", "Note_1"."courseId"
) AS "Note_1"
    ON "Enrollment"."studentId" = "Note_1"."studentId" AND "Enrollment"."courseId" = "Note_1"."courseId"
LEFT JOIN "Student" AS "Student_2"
    ON "Enrollment"."studentId" = "Student_2"."id"
WHERE ("Enrollment"."studentId", "Enrollment"."courseId") >= (coalesce(?1, -9223372036854775808), coalesce(?2, -9223372036854775808)) AND ("Enrollment"."studentId", "Enrollment"."courseId") IS NOT (?1, ?2)
ORDER BY "Enrollment"."studentId", "Enrollment"."courseId"
LIMIT ?3;
