// tests/fakes/fake_libkstat.cpp — libkstat's five calls over IlKernel, with C
// linkage, for the test binary only (see fake_libkstat.hpp for semantics).
#include <kstat.h>
#include <nfs/nfs_clnt.h>  // the layouts' static_asserts are checked here
#include <sys/dnlc.h>
#include <sys/sysinfo.h>
#include <sys/var.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "fakes/fake_libkstat.hpp"

namespace kstatsql::fakes {

namespace {

std::mutex g_mu;  // guards g_kernel and g_handles
std::shared_ptr<IlKernel> g_kernel;

struct Handle {
  std::shared_ptr<IlKernel> kernel;
  std::atomic<bool> busy{false};
};
std::map<const kstat_ctl_t*, Handle*> g_handles;

Handle* handle_of(const kstat_ctl_t* kc) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_handles.find(kc);
  return it == g_handles.end() ? nullptr : it->second;
}

// Marks one handle in use for the duration of a call; overlap is counted.
class Use {
 public:
  explicit Use(Handle* h) : h_(h) {
    if (h_ != nullptr && h_->busy.exchange(true)) {
      ++h_->kernel->concurrent_use;
      nested_ = true;
    }
  }
  ~Use() {
    if (h_ != nullptr && !nested_) h_->busy = false;
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

 private:
  Handle* h_;
  bool nested_ = false;
};

void copy_name(char* dst, const std::string& src) {
  std::memset(dst, 0, KSTAT_STRLEN);
  std::memcpy(dst, src.data(), std::min<std::size_t>(src.size(), KSTAT_STRLEN - 1));
}

// The bytes kstat_read() delivers for `k`, laid out for a buffer at `base`
// (STRING pointers are absolute, as the kernel writes them). Strings follow
// the named array, each NUL-terminated.
std::vector<std::byte> serialise(const IlKstat& k, const std::byte* base, std::uint32_t& ndata) {
  if (k.type != KSTAT_TYPE_NAMED) {
    ndata = k.ndata;
    return k.data;
  }
  ndata = static_cast<std::uint32_t>(k.named.size());
  std::size_t size = k.named.size() * sizeof(kstat_named_t);
  for (const IlNamed& n : k.named)
    if (n.type == IlType::string) size += n.s.size() + 1;
  std::vector<std::byte> out(size);
  std::size_t str_off = k.named.size() * sizeof(kstat_named_t);
  for (std::size_t i = 0; i < k.named.size(); ++i) {
    const IlNamed& n = k.named[i];
    kstat_named_t kn;
    std::memset(&kn, 0, sizeof kn);
    copy_name(kn.name, n.name);
    kn.data_type = static_cast<uchar_t>(n.type);
    switch (n.type) {
      case IlType::char_:
        std::memcpy(kn.value.c, n.s.data(), std::min<std::size_t>(n.s.size(), 16));
        break;
      case IlType::int32:
        kn.value.i32 = static_cast<std::int32_t>(n.i);
        break;
      case IlType::uint32:
        kn.value.ui32 = static_cast<std::uint32_t>(n.u);
        break;
      case IlType::int64:
        kn.value.i64 = n.i;
        break;
      case IlType::uint64:
        kn.value.ui64 = n.u;
        break;
      case IlType::float_:
        kn.value.f = static_cast<float>(n.d);
        break;
      case IlType::double_:
        kn.value.d = n.d;
        break;
      case IlType::string: {
        std::memcpy(out.data() + str_off, n.s.data(), n.s.size());
        std::size_t at = k.bad_string_ptr ? size + 64 : str_off;
        KSTAT_NAMED_STR_PTR(&kn) = reinterpret_cast<char*>(const_cast<std::byte*>(base)) + at;
        KSTAT_NAMED_STR_BUFLEN(&kn) = static_cast<uint32_t>(n.s.size() + 1);
        str_off += n.s.size() + 1;
        break;
      }
    }
    std::memcpy(out.data() + i * sizeof(kstat_named_t), &kn, sizeof kn);
  }
  return out;
}

void fill_header(kstat_t* ks, int kid, const IlKstat& k) {
  std::memset(ks, 0, sizeof *ks);
  ks->ks_crtime = k.crtime;
  ks->ks_kid = kid;
  copy_name(ks->ks_module, k.module);
  ks->ks_instance = k.instance;
  copy_name(ks->ks_name, k.name);
  ks->ks_type = k.type;
  copy_name(ks->ks_class, k.klass);
  ks->ks_flags = k.flags;
  std::uint32_t ndata = 0;
  ks->ks_data_size = serialise(k, nullptr, ndata).size();
  ks->ks_ndata = ndata;
}

void free_kstat(kstat_t* ks) {
  std::free(ks->ks_data);
  std::free(ks);
}

}  // namespace

int IlKernel::add(IlKstat k) {
  std::lock_guard<std::mutex> lock(mu);
  entries.push_back({next_kid, std::move(k)});
  ++chain;
  return next_kid++;
}

void IlKernel::remove(int kid) {
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = entries.begin(); it != entries.end(); ++it)
    if (it->kid == kid) {
      entries.erase(it);
      ++chain;
      return;
    }
}

void IlKernel::modify(int kid, const std::function<void(IlKstat&)>& f) {
  std::lock_guard<std::mutex> lock(mu);
  for (Entry& e : entries)
    if (e.kid == kid) f(e.k);
}

int IlKernel::chain_id() const {
  std::lock_guard<std::mutex> lock(mu);
  return chain;
}

std::size_t IlKernel::size() const {
  std::lock_guard<std::mutex> lock(mu);
  return entries.size();
}

void install_il_kernel(std::shared_ptr<IlKernel> kernel) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_kernel = std::move(kernel);
}

}  // namespace kstatsql::fakes

using kstatsql::fakes::Handle;
using kstatsql::fakes::IlKernel;
using kstatsql::fakes::IlKstat;

extern "C" {

kstat_ctl_t* kstat_open(void) {
  std::shared_ptr<IlKernel> kernel;
  {
    std::lock_guard<std::mutex> lock(kstatsql::fakes::g_mu);
    kernel = kstatsql::fakes::g_kernel;
  }
  if (!kernel) {
    errno = ENOENT;  // as open("/dev/kstat") would fail
    return nullptr;
  }
  auto* kc = static_cast<kstat_ctl_t*>(std::calloc(1, sizeof(kstat_ctl_t)));
  kc->kc_kd = 1000;
  auto* h = new Handle;
  h->kernel = kernel;
  {
    std::lock_guard<std::mutex> lock(kstatsql::fakes::g_mu);
    kstatsql::fakes::g_handles[kc] = h;
  }
  ++kernel->open_handles;
  if (kstat_chain_update(kc) == -1) {
    int e = errno;
    kstat_close(kc);
    errno = e;
    return nullptr;
  }
  return kc;
}

int kstat_close(kstat_ctl_t* kc) {
  Handle* h = kstatsql::fakes::handle_of(kc);
  if (h == nullptr) return errno = EBADF, -1;
  for (kstat_t* k = kc->kc_chain; k != nullptr;) {
    kstat_t* next = k->ks_next;
    kstatsql::fakes::free_kstat(k);
    k = next;
  }
  {
    std::lock_guard<std::mutex> lock(kstatsql::fakes::g_mu);
    kstatsql::fakes::g_handles.erase(kc);
  }
  --h->kernel->open_handles;
  delete h;
  std::free(kc);
  return 0;
}

kid_t kstat_chain_update(kstat_ctl_t* kc) {
  Handle* h = kstatsql::fakes::handle_of(kc);
  if (h == nullptr) return errno = EBADF, -1;
  kstatsql::fakes::Use use(h);
  IlKernel& kern = *h->kernel;
  std::lock_guard<std::mutex> lock(kern.mu);
  if (kern.chain == kc->kc_chain_id) return 0;
  // Drop the kstat_t of kstats that left (freed: a stale pointer is a bug the
  // sanitizers see), keep the others, append the new ones in kid order.
  kstat_t** link = &kc->kc_chain;
  int last_kid = 0;
  while (*link != nullptr) {
    kstat_t* k = *link;
    bool present = false;
    for (const IlKernel::Entry& e : kern.entries) present = present || e.kid == k->ks_kid;
    if (present) {
      last_kid = k->ks_kid;
      link = &k->ks_next;
    } else {
      *link = k->ks_next;
      kstatsql::fakes::free_kstat(k);
    }
  }
  for (const IlKernel::Entry& e : kern.entries) {
    if (e.kid <= last_kid) continue;
    auto* k = static_cast<kstat_t*>(std::calloc(1, sizeof(kstat_t)));
    kstatsql::fakes::fill_header(k, e.kid, e.k);
    *link = k;
    link = &k->ks_next;
  }
  kc->kc_chain_id = kern.chain;
  ++kern.chain_updates;
  return kern.chain;
}

kid_t kstat_read(kstat_ctl_t* kc, kstat_t* ksp, void* data) {
  Handle* h = kstatsql::fakes::handle_of(kc);
  if (h == nullptr || ksp == nullptr) return errno = EINVAL, -1;
  kstatsql::fakes::Use use(h);
  IlKernel& kern = *h->kernel;
  ++kern.reads;
  if (kern.on_read) kern.on_read();
  std::lock_guard<std::mutex> lock(kern.mu);
  IlKernel::Entry* entry = nullptr;
  for (IlKernel::Entry& e : kern.entries)
    if (e.kid == ksp->ks_kid) entry = &e;
  if (entry == nullptr) return errno = ENXIO, -1;
  IlKstat& k = entry->k;
  if (k.vanish_on_read) {
    kern.entries.erase(kern.entries.begin() + (entry - kern.entries.data()));
    ++kern.chain;
    return errno = ENXIO, -1;
  }
  if (k.eagain > 0) {
    --k.eagain;
    return errno = EAGAIN, -1;
  }
  if (k.fail != 0) return errno = k.fail, -1;
  if (ksp->ks_data == nullptr && ksp->ks_data_size > 0)
    ksp->ks_data = std::calloc(1, ksp->ks_data_size);
  std::uint32_t ndata = 0;
  std::size_t need = kstatsql::fakes::serialise(k, nullptr, ndata).size();
  if (need > ksp->ks_data_size) {
    // The kernel says ENOMEM and reports the size; libkstat re-sizes
    // VAR_SIZE kstats and retries, and fails the others.
    if ((ksp->ks_flags & KSTAT_FLAG_VAR_SIZE) == 0) return errno = ENOMEM, -1;
    ksp->ks_data_size = need;
    std::free(ksp->ks_data);
    ksp->ks_data = std::calloc(1, need);
  }
  std::vector<std::byte> bytes =
      kstatsql::fakes::serialise(k, static_cast<const std::byte*>(ksp->ks_data), ndata);
  if (!bytes.empty()) std::memcpy(ksp->ks_data, bytes.data(), bytes.size());
  ksp->ks_ndata = ndata;
  ksp->ks_data_size = bytes.size();
  kern.clock += 1000;
  ksp->ks_snaptime = kern.clock;
  if (data != nullptr && !bytes.empty()) std::memcpy(data, ksp->ks_data, bytes.size());
  return kern.chain;
}

kstat_t* kstat_lookup(kstat_ctl_t* kc, char* module, int instance, char* name) {
  Handle* h = kstatsql::fakes::handle_of(kc);
  kstatsql::fakes::Use use(h);
  for (kstat_t* k = kc->kc_chain; k != nullptr; k = k->ks_next)
    if ((module == nullptr || std::strcmp(k->ks_module, module) == 0) &&
        (instance == -1 || k->ks_instance == instance) &&
        (name == nullptr || std::strcmp(k->ks_name, name) == 0))
      return k;
  errno = ENOENT;
  return nullptr;
}

}  // extern "C"
