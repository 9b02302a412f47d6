-- Issue 13: a designer's trial run of an unpublished draft is a job with recipe_version 0 and this record.
ALTER TABLE "jobs" ADD COLUMN "trial" jsonb;
