CREATE TABLE "rollups_minute_hours" (
	"node_id" text NOT NULL,
	"bucket" bigint NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "rollups_minute_hours_node_id_bucket_pk" PRIMARY KEY("node_id","bucket")
);
--> statement-breakpoint
CREATE INDEX "rollups_minute_hours_bucket_idx" ON "rollups_minute_hours" USING btree ("bucket");