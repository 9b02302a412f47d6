ALTER TABLE "cost_entries" DROP CONSTRAINT "cost_entries_task_kind_unique";--> statement-breakpoint
ALTER TABLE "cost_entries" ALTER COLUMN "job_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "entry_key" text NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "run" integer;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "server" text;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "gpu" text;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "recipe_id" text;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "launch_id" uuid;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "sku" text;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "images" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "price_book_version" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "occurred_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD CONSTRAINT "cost_entries_entry_key_unique" UNIQUE("entry_key");--> statement-breakpoint
CREATE INDEX "cost_entries_occurred_idx" ON "cost_entries" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "cost_entries_job_idx" ON "cost_entries" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "cost_entries_recipe_backend_idx" ON "cost_entries" USING btree ("recipe_id","backend","occurred_at");--> statement-breakpoint
CREATE TABLE "price_books" (
	"version" integer PRIMARY KEY NOT NULL,
	"content" jsonb NOT NULL,
	"created_by" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "budget_milli_fen" bigint;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "estimate_milli_fen" bigint;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "routing" jsonb;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "launch_id" uuid;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "sku" text;--> statement-breakpoint
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_status_check";--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_status_check" CHECK ("tasks"."status" in ('queued','running','succeeded','failed','canceled','skipped_budget'));
