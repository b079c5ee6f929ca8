CREATE TABLE `node_wireless_history` (
	`node_id` text NOT NULL,
	`ts` integer NOT NULL,
	`config` text NOT NULL,
	PRIMARY KEY(`node_id`, `ts`)
);
--> statement-breakpoint
-- Seed: each node's latest config is the first row of its history.
INSERT INTO `node_wireless_history` (`node_id`, `ts`, `config`) SELECT `node_id`, `ts`, `config` FROM `node_wireless`;
