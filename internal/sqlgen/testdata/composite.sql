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
    ON "Enrollment"."studentId" = "Student_2"."id"
WHERE ("Enrollment"."studentId", "Enrollment"."courseId") = (?1, ?2)
ORDER BY "Note_1"."id", "Student_2"."id";

-- List
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
    ON "Enrollment"."studentId" = "Student_2"."id"
WHERE ("Enrollment"."studentId", "Enrollment"."courseId") IN (
    SELECT "studentId", "courseId" FROM "Enrollment"
    WHERE ?1 IS NULL OR ("studentId", "courseId") > (?1, ?2)
    ORDER BY "studentId", "courseId"
    LIMIT ?3
)
ORDER BY "Enrollment"."studentId", "Enrollment"."courseId", "Note_1"."id", "Student_2"."id";
