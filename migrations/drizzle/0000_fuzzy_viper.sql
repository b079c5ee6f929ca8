CREATE TABLE `node_addresses` (
	`node_id` text NOT NULL,
	`iface` text NOT NULL,
	`address` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`node_id`, `iface`, `address`)
);
--> statement-breakpoint
CREATE INDEX `node_addresses_address_idx` ON `node_addresses` (`address`);--> statement-breakpoint
CREATE TABLE `node_macs` (
	`mac` text PRIMARY KEY NOT NULL,
	`node_id` text NOT NULL,
	`iface` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `node_macs_node_idx` ON `node_macs` (`node_id`);--> statement-breakpoint
CREATE TABLE `node_state` (
	`node_id` text PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`boot` text NOT NULL,
	`seq` integer NOT NULL,
	`interval_ms` integer NOT NULL,
	`raw_id` integer NOT NULL,
	`stations` integer NOT NULL,
	`peers` integer NOT NULL,
	`mesh_paths` integer NOT NULL,
	`neighbors` integer NOT NULL,
	`routes` integer NOT NULL,
	`counters` integer NOT NULL,
	`errors` integer NOT NULL,
	`dropped_total` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `nodes` (
	`id` text PRIMARY KEY NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`last_hello_at` integer,
	`last_boot` text,
	`agent_version` text,
	`protocol_version` integer,
	`capabilities` text DEFAULT '[]' NOT NULL,
	`mode` text,
	`hostname` text,
	`board_name` text,
	`model` text,
	`release` text,
	`interval_ms` integer,
	`tags` text DEFAULT '[]' NOT NULL,
	`hello` text
);
--> statement-breakpoint
CREATE TABLE `raw_snapshots` (
	`id` integer PRIMARY KEY NOT NULL,
	`node_id` text NOT NULL,
	`boot` text NOT NULL,
	`seq` integer NOT NULL,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`fmt` integer NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `raw_snapshots_dedupe_idx` ON `raw_snapshots` (`node_id`,`boot`,`seq`);--> statement-breakpoint
CREATE INDEX `raw_snapshots_node_ts_idx` ON `raw_snapshots` (`node_id`,`ts`);--> statement-breakpoint
CREATE INDEX `raw_snapshots_ts_idx` ON `raw_snapshots` (`ts`);--> statement-breakpoint
CREATE TABLE `rollups_hour` (
	`node_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`node_id`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `rollups_hour_bucket_idx` ON `rollups_hour` (`bucket`);--> statement-breakpoint
CREATE TABLE `rollups_minute` (
	`node_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`node_id`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `rollups_minute_bucket_idx` ON `rollups_minute` (`bucket`);--> statement-breakpoint
CREATE TABLE `store_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
