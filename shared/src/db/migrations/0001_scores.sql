CREATE TABLE "asset_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"asset_id" uuid NOT NULL,
	"verdict" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"key" text NOT NULL,
	"sha256" text NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"metadata" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_name_version_unique" UNIQUE("name","version")
);
--> statement-breakpoint
CREATE TABLE "scores" (
	"id" uuid PRIMARY KEY NOT NULL,
	"asset_id" uuid NOT NULL,
	"model_version" text NOT NULL,
	"quality" double precision NOT NULL,
	"ctr" double precision NOT NULL,
	"phash" text NOT NULL,
	"gates_passed" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"score_ms" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scores_asset_model_unique" UNIQUE("asset_id","model_version")
);
--> statement-breakpoint
ALTER TABLE "asset_reviews" ADD CONSTRAINT "asset_reviews_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scores" ADD CONSTRAINT "scores_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asset_reviews_asset_idx" ON "asset_reviews" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "scores_asset_idx" ON "scores" USING btree ("asset_id","created_at");