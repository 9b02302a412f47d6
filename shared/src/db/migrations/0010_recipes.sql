CREATE TABLE "recipe_versions" (
	"recipe_id" text NOT NULL,
	"version" integer NOT NULL,
	"type" text NOT NULL,
	"backend" text NOT NULL,
	"title" jsonb NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"manifest_key" text NOT NULL,
	"manifest_sha256" text NOT NULL,
	"draft_id" text,
	"published_by" text,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deprecated_by" text,
	"deprecated_at" timestamp with time zone,
	CONSTRAINT "recipe_versions_pk" PRIMARY KEY("recipe_id","version")
);
--> statement-breakpoint
CREATE INDEX "recipe_versions_status_idx" ON "recipe_versions" USING btree ("status");
