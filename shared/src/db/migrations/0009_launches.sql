CREATE TABLE "launches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"content_hash" text NOT NULL,
	"idempotency_key" text,
	"plan" jsonb NOT NULL,
	"estimate_per_sku_milli_fen" bigint,
	"rejected" jsonb NOT NULL,
	"total_skus" integer NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "launches_content_unique" ON "launches" USING btree ("content_hash") WHERE "launches"."status" <> 'canceled';
--> statement-breakpoint
CREATE UNIQUE INDEX "launches_idempotency_unique" ON "launches" USING btree ("created_by","idempotency_key");
--> statement-breakpoint
CREATE INDEX "launches_status_idx" ON "launches" USING btree ("status","id");
--> statement-breakpoint
CREATE TABLE "launch_skus" (
	"id" uuid PRIMARY KEY NOT NULL,
	"launch_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"sku" text NOT NULL,
	"title" text NOT NULL,
	"category" text NOT NULL,
	"photos" jsonb NOT NULL,
	"params" jsonb,
	"status" text NOT NULL,
	"job_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"submitted" boolean DEFAULT false NOT NULL,
	"failing_rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error_code" text,
	"error_message" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "launch_skus_status_check" CHECK ("status" in ('pending','rendering','done','needs_review','failed','skipped_budget','canceled'))
);
--> statement-breakpoint
ALTER TABLE "launch_skus" ADD CONSTRAINT "launch_skus_launch_id_launches_id_fk" FOREIGN KEY ("launch_id") REFERENCES "public"."launches"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "launch_skus_launch_sku_unique" ON "launch_skus" USING btree ("launch_id","sku");
--> statement-breakpoint
CREATE INDEX "launch_skus_launch_status_idx" ON "launch_skus" USING btree ("launch_id","status","line");
--> statement-breakpoint
CREATE INDEX "launch_skus_launch_line_idx" ON "launch_skus" USING btree ("launch_id","line");
--> statement-breakpoint
CREATE TABLE "launch_picks" (
	"sku_id" uuid NOT NULL,
	"slot" text NOT NULL,
	"rank" integer NOT NULL,
	"asset_id" uuid NOT NULL,
	"by" text NOT NULL,
	"picked_by" text,
	CONSTRAINT "launch_picks_sku_id_slot_rank_pk" PRIMARY KEY("sku_id","slot","rank")
);
--> statement-breakpoint
ALTER TABLE "launch_picks" ADD CONSTRAINT "launch_picks_sku_id_launch_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."launch_skus"("id") ON DELETE cascade ON UPDATE no action;
