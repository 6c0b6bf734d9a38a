// The store: the only place that speaks SQL. Domain services see this interface and a unit of
// work (Tx); SQLite in WAL mode is the embedded backend, PostgreSQL can implement the same
// interface later (docs/decisions/0002-store.md).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "common/result.h"
#include "model/audit.h"
#include "model/billing.h"
#include "model/catalog.h"
#include "model/iam.h"
#include "model/org.h"
#include "model/vdc.h"

namespace govcloud {

struct Page {
  int limit = 50;
  int offset = 0;
};

struct OrgQuery {
  std::vector<std::string> within_paths;  // visible subtrees; empty list means nothing
  std::optional<OrgType> type;
  std::optional<OrgId> parent;
  std::string keyword;  // substring of the name
  Page page;
};

struct UserQuery {
  std::vector<std::string> within_paths;  // users whose home org lies in these subtrees
  std::optional<OrgId> org;
  std::optional<bool> disabled;
  std::string keyword;  // substring of username, display name or email
  Page page;
};

struct BindingQuery {
  std::optional<UserId> user;
  std::optional<Role> role;
  std::vector<std::string> within_paths;  // bindings whose scope lies in these subtrees
};

struct VdcQuery {
  std::vector<std::string> within_org_paths;
  std::optional<OrgId> org;
  std::optional<VdcId> parent;
  Page page;
};

struct AuditQuery {
  std::optional<TimeMs> from;
  std::optional<TimeMs> to;
  std::string actor_id;
  std::string action_prefix;
  std::string org_id;
  std::string result;
  std::vector<std::string> org_ids;  // when non-empty, only records of these org nodes
  Page page;
};

struct CatalogQuery {
  std::string category;
  std::string keyword;  // in the code, either name, or the source aliases
  std::string origin;
  bool include_retired = false;
  Page page;
};

// Workflow objects (requests, fulfilment orders, resources, work orders, notifications) are
// stored as JSON documents with a few indexed columns; see docs/decisions/0005.
struct Document {
  std::string kind;
  std::string id;
  std::string org_id;  // the org node it belongs to (isolation)
  std::string state;
  std::string owner;  // the user it belongs to (requester, recipient)
  std::string ref;    // a related document (a fulfilment's request, a resource's request)
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::string body = "{}";
};

struct DocumentQuery {
  std::string kind;
  std::optional<std::vector<std::string>> within_paths;  // unset: no org restriction
  std::string state;
  std::string owner;
  std::string ref;
  std::string org_id;
  TimeMs created_from = 0;  // 0: unbounded
  TimeMs created_to = 0;    // exclusive; 0: unbounded
  Page page;
};

template <typename T>
struct Listing {
  std::vector<T> items;
  std::int64_t total = 0;
};

// One facet per module (decision 0010), each declared in its own header so a module that does
// not use it does not see it: store/compute_tx.h, store/operations_tx.h, store/storage_tx.h,
// store/metering_tx.h, store/bills_tx.h.
class ComputeTx;
class OperationsTx;
class StorageTx;
class MeteringTx;
class BillsTx;

// A unit of work. Obtained only through Store::transact / Store::read.
class Tx {
 public:
  virtual ~Tx() = default;

  virtual ComputeTx& compute() = 0;
  virtual OperationsTx& operations() = 0;
  virtual StorageTx& storage() = 0;
  virtual MeteringTx& metering() = 0;
  virtual BillsTx& bills() = 0;

  // Orgs
  virtual void insert_org(const Org& org) = 0;
  virtual void update_org(const Org& org) = 0;
  virtual void delete_org(const OrgId& id) = 0;
  virtual std::optional<Org> find_org(const OrgId& id) = 0;
  virtual std::optional<Org> find_root_org() = 0;
  virtual Listing<Org> list_orgs(const OrgQuery& q) = 0;
  virtual std::int64_t count_child_orgs(const OrgId& id) = 0;
  virtual bool org_name_taken(const std::optional<OrgId>& parent, const std::string& name) = 0;

  // Users
  virtual void insert_user(const User& user) = 0;
  virtual void update_user(const User& user) = 0;
  virtual void delete_user(const UserId& id) = 0;
  virtual std::optional<User> find_user(const UserId& id) = 0;
  virtual std::optional<User> find_user_by_name(const std::string& username) = 0;
  virtual Listing<User> list_users(const UserQuery& q) = 0;
  virtual std::int64_t count_users_in_subtree(const std::string& org_path) = 0;

  // Role bindings
  virtual void insert_binding(const RoleBinding& b) = 0;
  virtual void delete_binding(const BindingId& id) = 0;
  virtual void delete_bindings_for_user(const UserId& user) = 0;
  virtual std::optional<RoleBinding> find_binding(const BindingId& id) = 0;
  virtual std::vector<RoleBinding> list_bindings(const BindingQuery& q) = 0;

  // Sessions and API keys
  virtual void insert_session(const Session& s) = 0;
  virtual std::optional<Session> find_session(const std::string& token_hash) = 0;
  // Also ends the sessions assumed from it (issue 8 §11).
  virtual void delete_session(const std::string& token_hash) = 0;
  virtual std::int64_t delete_sessions_for_user(const UserId& user) = 0;
  virtual void delete_expired_sessions(TimeMs now) = 0;
  virtual void insert_api_key(const ApiKey& k) = 0;
  virtual std::optional<ApiKey> find_api_key(const ApiKeyId& id) = 0;
  virtual std::vector<ApiKey> list_api_keys(const UserId& user) = 0;
  virtual void revoke_api_key(const ApiKeyId& id) = 0;
  virtual std::int64_t revoke_api_keys_for_user(const UserId& user) = 0;

  // VDCs and quotas
  virtual void insert_vdc(const Vdc& v) = 0;
  virtual void update_vdc(const Vdc& v) = 0;
  virtual void delete_vdc(const VdcId& id) = 0;
  virtual std::optional<Vdc> find_vdc(const VdcId& id) = 0;
  virtual Listing<Vdc> list_vdcs(const VdcQuery& q) = 0;
  virtual std::int64_t count_child_vdcs(const VdcId& id) = 0;
  virtual std::int64_t count_vdcs_of_org(const OrgId& id) = 0;
  // limit and direct use of one resource; zeros when never set.
  virtual std::pair<std::int64_t, std::int64_t> quota_row(const VdcId& vdc,
                                                          const std::string& resource) = 0;
  virtual void set_quota_limit(const VdcId& vdc, const std::string& resource,
                               std::int64_t limit) = 0;
  virtual void add_quota_used(const VdcId& vdc, const std::string& resource,
                              std::int64_t delta) = 0;
  virtual std::int64_t sum_child_limits(const VdcId& vdc, const std::string& resource) = 0;
  virtual std::int64_t used_in_subtree(const std::string& vdc_path,
                                       const std::string& resource) = 0;
  virtual std::vector<std::string> quota_resources(const VdcId& vdc) = 0;
  virtual void insert_reservation(const Reservation& r) = 0;
  virtual std::optional<Reservation> find_reservation(const ReservationId& id) = 0;
  // Ownership passes when a request's reservation becomes its delivered resource's.
  virtual void set_reservation_owner(const ReservationId& id, ReservationOwner kind,
                                     const std::string& owner_id) = 0;
  virtual void delete_reservation(const ReservationId& id) = 0;
  virtual Listing<Reservation> list_reservations(const VdcId& vdc, const Page& page) = 0;
  virtual std::int64_t count_reservations(const VdcId& vdc) = 0;

  // Audit. append_audit fills seq, prev_hash and hash and advances the chain head.
  virtual void append_audit(AuditRecord& r) = 0;
  virtual Listing<AuditRecord> list_audit(const AuditQuery& q) = 0;
  // Visits the records after `after_seq` in seq order; stops when fn returns false.
  virtual void scan_audit(std::int64_t after_seq,
                          const std::function<bool(const AuditRecord&)>& fn) = 0;
  // Removes records older than `before`, keeping the chain verifiable from an anchor.
  virtual AuditPurge purge_audit_before(TimeMs before) = 0;
  // The chain head as the store's meta rows say; a database writer can change these rows, so
  // verification trusts the signed checkpoints, not this.
  virtual AuditHead stored_audit_head() = 0;

  // Catalog (CAT-01)
  virtual void insert_service(const CatalogService& s) = 0;
  virtual void update_service(const CatalogService& s) = 0;
  virtual std::optional<CatalogService> find_service(const std::string& code) = 0;
  virtual Listing<CatalogService> list_services(const CatalogQuery& q) = 0;
  virtual std::int64_t count_services() = 0;

  // Price lists; prices are insert-only (CAT-04/05)
  virtual void insert_price_list(const PriceList& l) = 0;
  virtual std::optional<PriceList> find_price_list(const std::string& id_or_name) = 0;
  virtual std::vector<PriceList> list_price_lists(const std::vector<std::string>& within_paths) = 0;
  virtual void insert_price(const Price& p) = 0;
  // Every version, oldest first; all services when code is empty.
  virtual std::vector<Price> price_history(const std::string& list_id, const std::string& code) = 0;
  virtual std::optional<Price> price_at(const std::string& list_id, const std::string& code,
                                        TimeMs at) = 0;

  // Contracts (TEN-06)
  virtual void insert_contract(const Contract& c) = 0;
  virtual std::optional<Contract> find_contract(const std::string& id) = 0;
  virtual std::vector<Contract> list_contracts(const std::vector<std::string>& within_paths) = 0;
  virtual bool contract_exists(const OrgId& tenant, const std::string& package_id) = 0;
  virtual void insert_contract_item(const ContractItem& i) = 0;
  virtual std::vector<ContractItem> contract_items(const std::string& contract_id) = 0;
  virtual void insert_quota_grant(const QuotaGrant& g) = 0;
  virtual std::vector<QuotaGrant> quota_grants(const VdcId& vdc) = 0;
  virtual std::vector<VdcId> vdcs_with_grants() = 0;

  // Documents
  virtual void put_document(const Document& d) = 0;  // insert, or replace by (kind, id)
  virtual std::optional<Document> find_document(const std::string& kind, const std::string& id) = 0;
  virtual Listing<Document> list_documents(const DocumentQuery& q) = 0;

  // Small key/value metadata (chain head, bootstrap markers).
  virtual std::optional<std::string> get_meta(const std::string& key) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs fn(Tx&) -> Result<T> in one write transaction: committed when the result is ok,
  // rolled back otherwise (and on any store failure, which becomes an kInternal error).
  template <typename F>
  auto transact(F&& fn) -> std::invoke_result_t<F, Tx&> {
    using R = std::invoke_result_t<F, Tx&>;
    std::optional<R> out;
    Status st = run_write([&](Tx& tx) {
      out.emplace(fn(tx));
      return out->ok();
    });
    if (!st.ok()) return R(st.error());
    return std::move(*out);
  }

  // Runs fn(Tx&) -> Result<T> on a consistent read snapshot.
  template <typename F>
  auto read(F&& fn) -> std::invoke_result_t<F, Tx&> {
    using R = std::invoke_result_t<F, Tx&>;
    std::optional<R> out;
    Status st = run_read([&](Tx& tx) { out.emplace(fn(tx)); });
    if (!st.ok()) return R(st.error());
    return std::move(*out);
  }

  virtual int schema_version() = 0;

  // The key of the audit chain, kept in a file outside the database (issue 8 §1).
  virtual const AuditKey& audit_key() const = 0;
  // Called after each commit that appended audit records, in commit order, with the new head
  // (and the new anchor when the transaction purged).
  using AuditListener = std::function<void(const AuditCommit&)>;
  virtual void set_audit_listener(AuditListener listener) = 0;

 protected:
  // Commits when body returns true; a failed commit or a thrown StoreError rolls back.
  virtual Status run_write(const std::function<bool(Tx&)>& body) = 0;
  virtual Status run_read(const std::function<void(Tx&)>& body) = 0;
};

// Opens (creating if needed) `<data_dir>/govcloud.db`, applies pending migrations, and reads
// (creating on first start) the audit chain's key in `<keys_dir>/audit.key`; keys_dir defaults
// to `<data_dir>/keys`.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& data_dir,
                                                 const std::string& keys_dir = "");

}  // namespace govcloud
