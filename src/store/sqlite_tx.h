// SQLite implementation of Tx. Internal to src/store.
#pragma once

#include "store/bills_tx.h"
#include "store/compute_tx.h"
#include "store/metering_tx.h"
#include "store/operations_tx.h"
#include "store/sqlite_db.h"
#include "store/storage_tx.h"
#include "store/store.h"

namespace govcloud::sqlite {

// Keys the store holds outside the database: the audit chain's and the one sealing secrets
// (TOTP secrets) at rest.
struct StoreKeys {
  AuditKey audit;
  Bytes secrets;
};

class SqliteTx final : public Tx {
 public:
  // Only the writer's transactions append to the audit chain.
  SqliteTx(Db& db, const StoreKeys& keys, bool writer) : db_(db), keys_(keys), writer_(writer) {}

  ComputeTx& compute() override;
  OperationsTx& operations() override;
  StorageTx& storage() override;
  MeteringTx& metering() override;
  BillsTx& bills() override;

  // What this transaction did to the audit chain, if it appended.
  std::optional<AuditCommit> audit_commit() const {
    if (!appended_) return std::nullopt;
    return AuditCommit{*appended_, purged_anchor_};
  }

  void insert_org(const Org& org) override;
  void update_org(const Org& org) override;
  void delete_org(const OrgId& id) override;
  std::optional<Org> find_org(const OrgId& id) override;
  std::optional<Org> find_root_org() override;
  Listing<Org> list_orgs(const OrgQuery& q) override;
  std::int64_t count_child_orgs(const OrgId& id) override;
  bool org_name_taken(const std::optional<OrgId>& parent, const std::string& name) override;

  void insert_user(const User& user) override;
  void update_user(const User& user) override;
  void delete_user(const UserId& id) override;
  std::optional<User> find_user(const UserId& id) override;
  std::optional<User> find_user_by_name(const std::string& username) override;
  Listing<User> list_users(const UserQuery& q) override;
  std::int64_t count_users_in_subtree(const std::string& org_path) override;

  void insert_binding(const RoleBinding& b) override;
  void delete_binding(const BindingId& id) override;
  void delete_bindings_for_user(const UserId& user) override;
  std::optional<RoleBinding> find_binding(const BindingId& id) override;
  std::vector<RoleBinding> list_bindings(const BindingQuery& q) override;

  void insert_session(const Session& s) override;
  std::optional<Session> find_session(const std::string& token_hash) override;
  void delete_session(const std::string& token_hash) override;
  std::int64_t delete_sessions_for_user(const UserId& user) override;
  void delete_expired_sessions(TimeMs now) override;
  void insert_api_key(const ApiKey& k) override;
  std::optional<ApiKey> find_api_key(const ApiKeyId& id) override;
  std::vector<ApiKey> list_api_keys(const UserId& user) override;
  void revoke_api_key(const ApiKeyId& id) override;
  std::int64_t revoke_api_keys_for_user(const UserId& user) override;

  void insert_vdc(const Vdc& v) override;
  void update_vdc(const Vdc& v) override;
  void delete_vdc(const VdcId& id) override;
  std::optional<Vdc> find_vdc(const VdcId& id) override;
  Listing<Vdc> list_vdcs(const VdcQuery& q) override;
  std::int64_t count_child_vdcs(const VdcId& id) override;
  std::int64_t count_vdcs_of_org(const OrgId& id) override;
  std::pair<std::int64_t, std::int64_t> quota_row(const VdcId& vdc,
                                                  const std::string& resource) override;
  void set_quota_limit(const VdcId& vdc, const std::string& resource, std::int64_t limit) override;
  void add_quota_used(const VdcId& vdc, const std::string& resource, std::int64_t delta) override;
  std::int64_t sum_child_limits(const VdcId& vdc, const std::string& resource) override;
  std::int64_t used_in_subtree(const std::string& vdc_path, const std::string& resource) override;
  std::vector<std::string> quota_resources(const VdcId& vdc) override;
  void insert_reservation(const Reservation& r) override;
  std::optional<Reservation> find_reservation(const ReservationId& id) override;
  void set_reservation_owner(const ReservationId& id, ReservationOwner kind,
                             const std::string& owner_id) override;
  void delete_reservation(const ReservationId& id) override;
  Listing<Reservation> list_reservations(const VdcId& vdc, const Page& page) override;
  std::int64_t count_reservations(const VdcId& vdc) override;

  void append_audit(AuditRecord& r) override;
  Listing<AuditRecord> list_audit(const AuditQuery& q) override;
  void scan_audit(std::int64_t after_seq,
                  const std::function<bool(const AuditRecord&)>& fn) override;
  AuditPurge purge_audit_before(TimeMs before) override;
  AuditHead stored_audit_head() override;

  void insert_service(const CatalogService& s) override;
  void update_service(const CatalogService& s) override;
  std::optional<CatalogService> find_service(const std::string& code) override;
  Listing<CatalogService> list_services(const CatalogQuery& q) override;
  std::int64_t count_services() override;
  void insert_price_list(const PriceList& l) override;
  std::optional<PriceList> find_price_list(const std::string& id_or_name) override;
  std::vector<PriceList> list_price_lists(const std::vector<std::string>& within_paths) override;
  void insert_price(const Price& p) override;
  std::vector<Price> price_history(const std::string& list_id, const std::string& code) override;
  std::optional<Price> price_at(const std::string& list_id, const std::string& code,
                                TimeMs at) override;
  void insert_contract(const Contract& c) override;
  std::optional<Contract> find_contract(const std::string& id) override;
  std::vector<Contract> list_contracts(const std::vector<std::string>& within_paths) override;
  bool contract_exists(const OrgId& tenant, const std::string& package_id) override;
  void insert_contract_item(const ContractItem& i) override;
  std::vector<ContractItem> contract_items(const std::string& contract_id) override;
  void insert_quota_grant(const QuotaGrant& g) override;
  std::vector<QuotaGrant> quota_grants(const VdcId& vdc) override;
  std::vector<VdcId> vdcs_with_grants() override;
  void put_document(const Document& d) override;
  std::optional<Document> find_document(const std::string& kind, const std::string& id) override;
  Listing<Document> list_documents(const DocumentQuery& q) override;

  std::optional<std::string> get_meta(const std::string& key) override;
  void set_meta(const std::string& key, const std::string& value) override;

 private:
  User user_from(const Stmt& s) const;
  std::string sealed_totp(const User& u) const;

  Db& db_;
  const StoreKeys& keys_;
  bool writer_;
  std::optional<AuditHead> appended_;
  std::optional<AuditHead> purged_anchor_;
  std::unique_ptr<ComputeTx> compute_;
  std::unique_ptr<OperationsTx> operations_;
  std::unique_ptr<StorageTx> storage_;
  std::unique_ptr<MeteringTx> metering_;
  std::unique_ptr<BillsTx> bills_;
};

// Appends "(col LIKE ?||'%' OR …)" for each path; an empty list matches nothing.
std::string paths_clause(const std::string& column, const std::vector<std::string>& paths);
std::int64_t count_of(Db& db, const std::string& sql, const std::vector<std::string>& args);
// Tags kept in one column as ",a,b," (so instr(tags, ',a,') finds one), and back.
std::string tags_text(const std::vector<std::string>& tags);
std::vector<std::string> tags_from(const std::string& text);

}  // namespace govcloud::sqlite
