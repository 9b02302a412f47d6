CREATE TABLE "experiments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"slot" text NOT NULL,
	"status" text NOT NULL,
	"policy" text NOT NULL,
	"fixed_weights" jsonb,
	"auto_promote" boolean NOT NULL,
	"guardrails" jsonb NOT NULL,
	"prior_strength" double precision NOT NULL,
	"decision_state" text NOT NULL,
	"decision_reason" text NOT NULL,
	"srm_p_value" double precision NOT NULL,
	"period" integer NOT NULL,
	"promoted_asset_id" uuid,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "experiment_arms" (
	"experiment_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"asset_id" uuid NOT NULL,
	"control" boolean NOT NULL,
	"predicted_ctr" double precision,
	"prior_alpha" double precision NOT NULL,
	"prior_beta" double precision NOT NULL,
	"weight" double precision NOT NULL,
	"p_best" double precision NOT NULL,
	CONSTRAINT "experiment_arms_experiment_id_position_pk" PRIMARY KEY("experiment_id","position")
);
--> statement-breakpoint
CREATE TABLE "experiment_periods" (
	"experiment_id" uuid NOT NULL,
	"period" integer NOT NULL,
	"weights" jsonb NOT NULL,
	"p_best" jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiment_periods_experiment_id_period_pk" PRIMARY KEY("experiment_id","period")
);
--> statement-breakpoint
CREATE TABLE "experiment_counts" (
	"experiment_id" uuid NOT NULL,
	"period" integer NOT NULL,
	"position" integer NOT NULL,
	"assignments" bigint DEFAULT 0 NOT NULL,
	"impressions" bigint DEFAULT 0 NOT NULL,
	"clicks" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "experiment_counts_experiment_id_period_position_pk" PRIMARY KEY("experiment_id","period","position")
);
--> statement-breakpoint
CREATE TABLE "experiment_flushes" (
	"token" text PRIMARY KEY NOT NULL,
	"experiment_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slot_pointers" (
	"sku" text NOT NULL,
	"slot" text NOT NULL,
	"asset_id" uuid NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slot_pointers_sku_slot_pk" PRIMARY KEY("sku","slot")
);
--> statement-breakpoint
CREATE TABLE "slot_history" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"slot" text NOT NULL,
	"asset_id" uuid NOT NULL,
	"previous_asset_id" uuid,
	"reason" text NOT NULL,
	"experiment_id" uuid,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "experiment_arms" ADD CONSTRAINT "experiment_arms_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_arms" ADD CONSTRAINT "experiment_arms_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_periods" ADD CONSTRAINT "experiment_periods_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_counts" ADD CONSTRAINT "experiment_counts_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_flushes" ADD CONSTRAINT "experiment_flushes_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_pointers" ADD CONSTRAINT "slot_pointers_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_history" ADD CONSTRAINT "slot_history_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "experiments_running_slot_unique" ON "experiments" USING btree ("sku","slot") WHERE "experiments"."status" = 'running';--> statement-breakpoint
CREATE INDEX "experiments_sku_idx" ON "experiments" USING btree ("sku","created_at");--> statement-breakpoint
CREATE INDEX "slot_history_slot_idx" ON "slot_history" USING btree ("sku","slot","id");
