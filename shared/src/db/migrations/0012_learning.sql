ALTER TABLE "models" ADD COLUMN "status" text DEFAULT 'candidate' NOT NULL;--> statement-breakpoint
UPDATE "models" SET "status" = 'active' WHERE "active";--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "promoted_by" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "promoted_at" timestamp with time zone;--> statement-breakpoint
CREATE TABLE "experiment_daily_counts" (
	"experiment_id" uuid NOT NULL,
	"day" date NOT NULL,
	"period" integer NOT NULL,
	"position" integer NOT NULL,
	"impressions" bigint DEFAULT 0 NOT NULL,
	"clicks" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "experiment_daily_counts_experiment_id_day_period_position_pk" PRIMARY KEY("experiment_id","day","period","position")
);
--> statement-breakpoint
ALTER TABLE "experiment_daily_counts" ADD CONSTRAINT "experiment_daily_counts_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "training_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"batch_id" uuid NOT NULL,
	"day" date NOT NULL,
	"sku" text NOT NULL,
	"image" text NOT NULL,
	"impressions" bigint NOT NULL,
	"clicks" bigint NOT NULL,
	"allocation" double precision,
	"features" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "training_imports_day_idx" ON "training_imports" USING btree ("day","sku");
