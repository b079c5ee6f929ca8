CREATE TABLE "rollups_quarter" (
	"node_id" text NOT NULL,
	"bucket" bigint NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "rollups_quarter_node_id_bucket_pk" PRIMARY KEY("node_id","bucket")
);
--> statement-breakpoint
CREATE INDEX "rollups_quarter_bucket_idx" ON "rollups_quarter" USING btree ("bucket");