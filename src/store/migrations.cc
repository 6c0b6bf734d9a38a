#include "store/migrations.h"

namespace govcloud::sqlite {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "foundation: orgs, iam, vdcs, quotas, audit", R"SQL(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  parent_id TEXT REFERENCES orgs(id),
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  dengbao_level INTEGER,
  internet_facing INTEGER,
  important INTEGER,
  network_domain TEXT,
  UNIQUE (parent_id, name)
);
CREATE INDEX orgs_parent ON orgs(parent_id);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  org_id TEXT NOT NULL REFERENCES orgs(id),
  password_hash TEXT NOT NULL,
  password_changed_at INTEGER NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  totp_secret TEXT NOT NULL DEFAULT '',
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE role_bindings (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  scope_org_id TEXT NOT NULL REFERENCES orgs(id),
  assume_only INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL DEFAULT 0,
  granted_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, role, scope_org_id)
);
CREATE INDEX role_bindings_user ON role_bindings(user_id);
CREATE INDEX role_bindings_scope ON role_bindings(scope_org_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  assumed_binding_id TEXT,
  source_ip TEXT NOT NULL DEFAULT '',
  totp_enrolment_only INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  scope_org_id TEXT REFERENCES orgs(id),
  expires_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE vdcs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  parent_id TEXT REFERENCES vdcs(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  UNIQUE (parent_id, name)
);
CREATE INDEX vdcs_org ON vdcs(org_id);

CREATE TABLE quotas (
  vdc_id TEXT NOT NULL REFERENCES vdcs(id) ON DELETE CASCADE,
  resource TEXT NOT NULL,
  limit_amount INTEGER NOT NULL DEFAULT 0 CHECK (limit_amount >= 0),
  used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
  PRIMARY KEY (vdc_id, resource)
);

CREATE TABLE reservations (
  id TEXT PRIMARY KEY,
  vdc_id TEXT NOT NULL REFERENCES vdcs(id),
  ref TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX reservations_vdc ON reservations(vdc_id);
CREATE TABLE reservation_lines (
  reservation_id TEXT NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
  resource TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  PRIMARY KEY (reservation_id, resource)
);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  assumed_role TEXT NOT NULL,
  org_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  result TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_org ON audit_log(org_id, seq);
CREATE INDEX audit_actor ON audit_log(actor_id, seq);

-- AUD-02: records are immutable, and none younger than the retention horizon can be removed.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit records are immutable'); END;
CREATE TRIGGER audit_no_early_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_purge_horizon'), 0)
BEGIN SELECT RAISE(ABORT, 'audit records inside the retention period cannot be removed'); END;
)SQL"},
      {2, "catalog, prices, contracts, workflow documents", R"SQL(
CREATE TABLE services (
  code TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  unit TEXT NOT NULL,
  period TEXT NOT NULL,
  free INTEGER NOT NULL,
  price_ceiling INTEGER,
  ceiling_basis TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL,
  origin TEXT NOT NULL,
  params TEXT NOT NULL,
  policy TEXT NOT NULL,
  fulfilment TEXT NOT NULL,
  quota TEXT NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX services_category ON services(category);

CREATE TABLE price_lists (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- CAT-04: a price is never overwritten; a change is a new version.
CREATE TABLE prices (
  price_list_id TEXT NOT NULL REFERENCES price_lists(id),
  service_code TEXT NOT NULL REFERENCES services(code),
  effective_from INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  per INTEGER NOT NULL CHECK (per > 0),
  unit TEXT NOT NULL,
  period TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (price_list_id, service_code, effective_from)
);
CREATE TRIGGER prices_insert_only BEFORE UPDATE ON prices
BEGIN SELECT RAISE(ABORT, 'prices are never overwritten; add a new version'); END;
CREATE TRIGGER prices_no_delete BEFORE DELETE ON prices
BEGIN SELECT RAISE(ABORT, 'price history is kept'); END;

CREATE TABLE contracts (
  id TEXT PRIMARY KEY,
  tenant_org_id TEXT NOT NULL REFERENCES orgs(id),
  vdc_id TEXT REFERENCES vdcs(id),
  package_id TEXT NOT NULL,
  name TEXT NOT NULL,
  buyer TEXT NOT NULL,
  budget INTEGER,
  service_period_text TEXT NOT NULL,
  months INTEGER,
  starts_at INTEGER NOT NULL,
  free_headroom_pct INTEGER NOT NULL,
  payment TEXT NOT NULL,
  uninterpreted TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_org_id, package_id)
);
CREATE TABLE contract_items (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  line INTEGER NOT NULL,
  service_code TEXT NOT NULL REFERENCES services(code),
  name_zh TEXT NOT NULL,
  quantity TEXT NOT NULL,
  unit_text TEXT NOT NULL,
  price_unit_text TEXT NOT NULL,
  months INTEGER,
  months_text TEXT NOT NULL,
  batch INTEGER,
  system TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (contract_id, line)
);
CREATE TABLE quota_grants (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  vdc_id TEXT NOT NULL REFERENCES vdcs(id),
  resource TEXT NOT NULL,
  amount INTEGER NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL
);
CREATE INDEX quota_grants_vdc ON quota_grants(vdc_id);

CREATE TABLE documents (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  state TEXT NOT NULL,
  owner TEXT NOT NULL,
  ref TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX documents_org ON documents(kind, org_id);
CREATE INDEX documents_owner ON documents(kind, owner);
CREATE INDEX documents_ref ON documents(kind, ref);
)SQL"},
      {3, "reservations name their owner (request, resource, contract or hold)", R"SQL(
ALTER TABLE reservations ADD COLUMN owner_kind TEXT NOT NULL DEFAULT 'hold'
  CHECK (owner_kind IN ('hold', 'request', 'resource', 'contract'));
ALTER TABLE reservations ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE reservations ADD COLUMN reason TEXT NOT NULL DEFAULT '';
UPDATE reservations SET owner_kind = 'request', owner_id = ref WHERE ref LIKE 'rq-%';
UPDATE reservations SET owner_kind = 'resource', owner_id = ref WHERE ref LIKE 'res-%';
CREATE INDEX reservations_owner ON reservations(owner_kind, owner_id);
)SQL"},
      {4, "notifications name the org node they are about", R"SQL(
UPDATE documents SET org_id = COALESCE((
  SELECT o.org_id FROM documents o
  WHERE o.kind IN ('request', 'resource', 'workorder')
    AND json_extract(documents.body, '$.link') IN
        ('/api/v1/requests/' || o.id, '/api/v1/resources/' || o.id, '/api/v1/workorders/' || o.id)
  LIMIT 1), '')
WHERE kind = 'notification' AND org_id = '';
)SQL"},
      {5, "the 三员 bootstrap latch is stored, closed where the posts were ever granted", R"SQL(
INSERT OR IGNORE INTO meta (key, value)
  SELECT 'separation_bootstrap.' || role, 'closed' FROM role_bindings
  WHERE role IN ('secadmin', 'auditadmin') GROUP BY role;
)SQL"},
      {6, "TOTP codes are accepted once: the last accepted time step per user", R"SQL(
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {7, "password history; an assumed session names the session it was assumed from", R"SQL(
ALTER TABLE users ADD COLUMN password_history TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN parent_token_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_parent ON sessions(parent_token_hash) WHERE parent_token_hash != '';
)SQL"},
      {8, "compute hosts: a typed table (CMP-06, issue 9)", R"SQL(
CREATE TABLE hosts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  site TEXT NOT NULL,
  pool TEXT NOT NULL,
  domain TEXT NOT NULL,
  arch TEXT NOT NULL,
  cpu_model TEXT NOT NULL DEFAULT '',
  cpu_mhz INTEGER NOT NULL,
  cores INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  disk_gb INTEGER NOT NULL DEFAULT 0,
  accelerators TEXT NOT NULL DEFAULT '[]',
  bare_metal INTEGER NOT NULL DEFAULT 0,
  driver TEXT NOT NULL,
  uri TEXT NOT NULL,
  state TEXT NOT NULL,
  heartbeat_at INTEGER NOT NULL DEFAULT 0,
  missed_heartbeats INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX hosts_pool_state ON hosts(pool, state);
)SQL"},
      {9, "VMs, images, guest networks, addresses, operations, usage events (issue 9)", R"SQL(
CREATE TABLE vms (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  org_id TEXT NOT NULL,
  org_path TEXT NOT NULL,
  vdc_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  host_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  arch TEXT NOT NULL,
  vcpu INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  disk_gb INTEGER NOT NULL,
  disk_tier TEXT NOT NULL,
  image_id TEXT NOT NULL,
  network_id TEXT NOT NULL DEFAULT '',
  mac TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '',
  reservation_id TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX vms_path_name ON vms(org_path, name);
CREATE INDEX vms_name ON vms(name);
CREATE INDEX vms_state ON vms(state);
CREATE INDEX vms_ip ON vms(ip) WHERE ip != '';
CREATE INDEX vms_host ON vms(host_id);
CREATE INDEX vms_request ON vms(request_id) WHERE request_id != '';
CREATE INDEX vms_image ON vms(image_id);
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL,
  org_id TEXT NOT NULL DEFAULT '',
  org_path TEXT NOT NULL DEFAULT '',
  arch TEXT NOT NULL,
  os_type TEXT NOT NULL,
  format TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  virtual_gb INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  kernel TEXT NOT NULL DEFAULT '',
  initrd TEXT NOT NULL DEFAULT '',
  cmdline TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE guest_networks (
  id TEXT PRIMARY KEY,
  vdc_id TEXT NOT NULL UNIQUE,
  org_path TEXT NOT NULL,
  bridge TEXT NOT NULL UNIQUE,
  cidr TEXT NOT NULL UNIQUE,
  gateway TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE addresses (
  network_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  mac TEXT NOT NULL UNIQUE,
  vm_id TEXT NOT NULL,
  allocated_at INTEGER NOT NULL,
  PRIMARY KEY (network_id, ip)
);
CREATE INDEX addresses_vm ON addresses(vm_id);
CREATE TABLE operations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  org_path TEXT NOT NULL,
  user_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL DEFAULT '',
  params TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,
  progress INTEGER NOT NULL DEFAULT 0,
  step TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX operations_idem ON operations(user_id, idempotency_key)
  WHERE idempotency_key != '';
CREATE INDEX operations_running ON operations(state) WHERE state = 'running';
CREATE INDEX operations_target ON operations(target_id, created_at);
CREATE TABLE usage_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  what TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  catalog_code TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  system_id TEXT NOT NULL,
  vdc_id TEXT NOT NULL
);
CREATE INDEX usage_events_resource ON usage_events(resource_id, seq);
)SQL"},
      {10, "a VM owns the quota it holds: owner kind 'vm' (issue 9)", R"SQL(
CREATE TABLE reservations_new (
  id TEXT PRIMARY KEY,
  vdc_id TEXT NOT NULL REFERENCES vdcs(id),
  ref TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  owner_kind TEXT NOT NULL DEFAULT 'hold'
    CHECK (owner_kind IN ('hold', 'request', 'resource', 'contract', 'vm')),
  owner_id TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO reservations_new (id, vdc_id, ref, created_by, created_at, owner_kind, owner_id,
                              reason)
  SELECT id, vdc_id, ref, created_by, created_at, owner_kind, owner_id, reason FROM reservations;
DROP TABLE reservations;
ALTER TABLE reservations_new RENAME TO reservations;
CREATE INDEX reservations_vdc ON reservations(vdc_id);
CREATE INDEX reservations_owner ON reservations(owner_kind, owner_id);
)SQL"},
      {11, "a VM's anti-affinity group: HA and placement keep its members apart (issue 9)", R"SQL(
ALTER TABLE vms ADD COLUMN anti_affinity_group TEXT NOT NULL DEFAULT '';
)SQL"},
      {12, "VM snapshots (issue 9, CMP-05)", R"SQL(
CREATE TABLE snapshots (
  id TEXT PRIMARY KEY,
  vm_id TEXT NOT NULL REFERENCES vms(id),
  name TEXT NOT NULL,
  org_id TEXT NOT NULL,
  org_path TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('creating', 'ready', 'deleting')),
  with_memory INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX snapshots_vm_name ON snapshots(vm_id, name);
)SQL"},
      {13, "VM lists filtered by state within a subtree (bench/api/list-vms)", R"SQL(
CREATE INDEX vms_state_path_name ON vms(state, org_path, name);
)SQL"},
      {14, "VM lists by tag and whole-tenant pages stay fast at 100,000 VMs (bench/api/list-vms)",
       R"SQL(
CREATE TABLE vm_tags (
  tag TEXT NOT NULL,
  org_path TEXT NOT NULL,
  name TEXT NOT NULL,
  vm_id TEXT NOT NULL REFERENCES vms(id),
  state TEXT NOT NULL,
  PRIMARY KEY (tag, org_path, name, vm_id)
) WITHOUT ROWID;
CREATE INDEX vm_tags_vm ON vm_tags(vm_id);
WITH RECURSIVE split(vm_id, org_path, name, state, rest, tag) AS (
  SELECT id, org_path, name, state, substr(tags, 2), NULL FROM vms
  WHERE tags != '' AND state != 'deleted'
  UNION ALL
  SELECT vm_id, org_path, name, state, substr(rest, instr(rest, ',') + 1),
         substr(rest, 1, instr(rest, ',') - 1)
  FROM split WHERE rest != ''
)
INSERT OR IGNORE INTO vm_tags (tag, org_path, name, vm_id, state)
  SELECT tag, org_path, name, vm_id, state FROM split WHERE tag IS NOT NULL AND tag != '';
DROP INDEX vms_state_path_name;
CREATE INDEX vms_state_path_name ON vms(state, org_path, name, id);
CREATE INDEX vms_live_path_name ON vms(org_path, name, id) WHERE state != 'deleted';
)SQL"},
      {15, "A VM's CPU frequency floor (CMP-07)", R"SQL(
ALTER TABLE vms ADD COLUMN min_cpu_mhz INTEGER NOT NULL DEFAULT 0;
)SQL"},
      {16, "What engines report about VMs: watchdog firings (CMP-15)", R"SQL(
CREATE TABLE vm_events (
  id TEXT PRIMARY KEY,
  vm_id TEXT NOT NULL,
  org_path TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX vm_events_vm_at ON vm_events(vm_id, at);
)SQL"},
      {17, "Block storage: volumes, attachments, snapshots and tier limits (issue 10, STO-01–05)",
       R"SQL(
CREATE TABLE volumes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  org_id TEXT NOT NULL,
  org_path TEXT NOT NULL,
  vdc_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  host_id TEXT NOT NULL DEFAULT '',
  tier TEXT NOT NULL CHECK (tier IN ('normal', 'performance')),
  purpose TEXT NOT NULL CHECK (purpose IN ('business', 'backup')),
  shareable INTEGER NOT NULL DEFAULT 0,
  size_gb INTEGER NOT NULL CHECK (size_gb > 0),
  state TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '',
  reservation_id TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX volumes_path_name ON volumes(org_path, name, id);
CREATE INDEX volumes_request ON volumes(request_id) WHERE request_id != '';
CREATE UNIQUE INDEX volumes_live_name ON volumes(org_id, name) WHERE state != 'deleted';
CREATE TABLE volume_attachments (
  volume_id TEXT NOT NULL REFERENCES volumes(id),
  vm_id TEXT NOT NULL REFERENCES vms(id),
  target TEXT NOT NULL,
  shareable INTEGER NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (volume_id, vm_id)
);
CREATE UNIQUE INDEX volume_attachments_one_writer ON volume_attachments(volume_id)
  WHERE shareable = 0;
CREATE UNIQUE INDEX volume_attachments_target ON volume_attachments(vm_id, target);
CREATE TABLE volume_snapshots (
  id TEXT PRIMARY KEY,
  volume_id TEXT NOT NULL REFERENCES volumes(id),
  name TEXT NOT NULL,
  org_path TEXT NOT NULL,
  group_id TEXT NOT NULL DEFAULT '',
  size_gb INTEGER NOT NULL,
  used_bytes INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('creating', 'ready', 'deleting')),
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX volume_snapshots_name ON volume_snapshots(volume_id, name);
CREATE TABLE reservations_new (
  id TEXT PRIMARY KEY,
  vdc_id TEXT NOT NULL REFERENCES vdcs(id),
  ref TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  owner_kind TEXT NOT NULL DEFAULT 'hold'
    CHECK (owner_kind IN ('hold', 'request', 'resource', 'contract', 'vm', 'volume')),
  owner_id TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO reservations_new (id, vdc_id, ref, created_by, created_at, owner_kind, owner_id,
                              reason)
  SELECT id, vdc_id, ref, created_by, created_at, owner_kind, owner_id, reason FROM reservations;
DROP TABLE reservations;
ALTER TABLE reservations_new RENAME TO reservations;
CREATE INDEX reservations_vdc ON reservations(vdc_id);
CREATE INDEX reservations_owner ON reservations(owner_kind, owner_id);
CREATE TABLE storage_tiers (
  name TEXT PRIMARY KEY,
  iops INTEGER NOT NULL CHECK (iops > 0),
  bytes_per_sec INTEGER NOT NULL CHECK (bytes_per_sec > 0),
  updated_at INTEGER NOT NULL
);
)SQL"},
      {18, "Metering: usage intervals and the cursor over metered usage events (issue 11, BIL-*)",
       R"SQL(
CREATE TABLE usage_intervals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL CHECK (source IN ('lifecycle', 'reported', 'imported')),
  tenant_id TEXT NOT NULL,
  system_id TEXT NOT NULL,
  org_path TEXT NOT NULL,
  vdc_id TEXT NOT NULL DEFAULT '',
  resource_id TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  written TEXT NOT NULL DEFAULT '',
  start_ms INTEGER NOT NULL,
  end_ms INTEGER CHECK (end_ms IS NULL OR end_ms >= start_ms)
);
CREATE INDEX usage_intervals_tenant_start ON usage_intervals(tenant_id, start_ms);
CREATE INDEX usage_intervals_path ON usage_intervals(org_path, start_ms);
CREATE UNIQUE INDEX usage_intervals_open ON usage_intervals(resource_id, code)
  WHERE end_ms IS NULL AND resource_id != '';
CREATE TABLE metering_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  through_seq INTEGER NOT NULL
);
INSERT INTO metering_cursor (id, through_seq) VALUES (1, 0);
)SQL"},
      {19,
       "Bills: default price lists, a contract's list, closed months, issued bills, adjustments",
       R"SQL(
ALTER TABLE price_lists ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX price_lists_one_default ON price_lists(org_id) WHERE is_default = 1;
ALTER TABLE contracts ADD COLUMN price_list_id TEXT NOT NULL DEFAULT '';
CREATE TABLE closed_months (
  month TEXT PRIMARY KEY,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  closed_by TEXT NOT NULL,
  closed_at INTEGER NOT NULL
);
CREATE TABLE bills (
  tenant_id TEXT NOT NULL REFERENCES orgs(id),
  month TEXT NOT NULL REFERENCES closed_months(month),
  price_list TEXT NOT NULL,
  total INTEGER NOT NULL,
  body TEXT NOT NULL,
  issued_by TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, month)
);
CREATE TRIGGER bills_never_change BEFORE UPDATE ON bills
BEGIN SELECT RAISE(ABORT, 'an issued bill never changes; post an adjustment'); END;
CREATE TRIGGER bills_never_deleted BEFORE DELETE ON bills
BEGIN SELECT RAISE(ABORT, 'issued bills are kept'); END;
CREATE TABLE bill_adjustments (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES orgs(id),
  month TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('credit', 'penalty', 'correction')),
  amount INTEGER NOT NULL,
  reason TEXT NOT NULL,
  refers_to TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX bill_adjustments_tenant ON bill_adjustments(tenant_id, month);
CREATE TABLE budget_alerts (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  threshold_pct INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (contract_id, threshold_pct)
);
)SQL"},
      {20, "Usage intervals without AUTOINCREMENT and the unused path index (ingestion speed)",
       R"SQL(
-- Intervals are never deleted, so a plain rowid still only grows; AUTOINCREMENT cost a write
-- to sqlite_sequence per interval. The (org_path, start_ms) index served no query (scoped
-- listings match path prefixes with substr, which no index serves) yet cost every insert.
CREATE TABLE usage_intervals_new (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL CHECK (source IN ('lifecycle', 'reported', 'imported')),
  tenant_id TEXT NOT NULL,
  system_id TEXT NOT NULL,
  org_path TEXT NOT NULL,
  vdc_id TEXT NOT NULL DEFAULT '',
  resource_id TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  written TEXT NOT NULL DEFAULT '',
  start_ms INTEGER NOT NULL,
  end_ms INTEGER CHECK (end_ms IS NULL OR end_ms >= start_ms)
);
INSERT INTO usage_intervals_new SELECT id, key, source, tenant_id, system_id, org_path, vdc_id,
  resource_id, code, quantity, written, start_ms, end_ms FROM usage_intervals;
DROP TABLE usage_intervals;
ALTER TABLE usage_intervals_new RENAME TO usage_intervals;
CREATE INDEX usage_intervals_tenant_start ON usage_intervals(tenant_id, start_ms);
CREATE UNIQUE INDEX usage_intervals_open ON usage_intervals(resource_id, code)
  WHERE end_ms IS NULL AND resource_id != '';
)SQL"},
  };
  return kMigrations;
}

}  // namespace govcloud::sqlite
