ALTER TABLE "launch_skus" ADD COLUMN "experiment_state" text;--> statement-breakpoint
ALTER TABLE "launch_skus" ADD COLUMN "experiment_id" uuid;--> statement-breakpoint
ALTER TABLE "launch_skus" ADD COLUMN "experiment_error" text;--> statement-breakpoint
ALTER TABLE "launch_skus" ADD CONSTRAINT "launch_skus_experiment_state_check" CHECK ("launch_skus"."experiment_state" in ('due','started','failed'));--> statement-breakpoint
CREATE INDEX "launch_skus_experiment_due_idx" ON "launch_skus" USING btree ("launch_id") WHERE "launch_skus"."experiment_state" = 'due';
