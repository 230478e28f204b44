// tests/fakes/fake_devkstat.cpp — /dev/kstat's open/ioctl/close over ObKernel
// (semantics in fake_devkstat.hpp; built with tests/fakes/openbsd on the
// include path, so struct kstat_req and the ioctl numbers are OpenBSD's).
#include <sys/kstat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "fakes/fake_devkstat.hpp"

namespace kstatsql::fakes {

namespace {

std::mutex g_mu;
std::shared_ptr<ObKernel> g_kernel;
struct Fd {
  std::shared_ptr<ObKernel> kernel;
  std::atomic<bool> busy{false};
};
std::map<int, std::shared_ptr<Fd>> g_fds;
int g_next_fd = 3000;

std::shared_ptr<Fd> fd_of(int fd) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_fds.find(fd);
  return it == g_fds.end() ? nullptr : it->second;
}

timespec to_ts(std::int64_t ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / 1000000000);
  ts.tv_nsec = static_cast<long>(ns % 1000000000);
  return ts;
}

std::size_t pad8(std::size_t n) {
  return (n + KSTAT_KV_ALIGN - 1) / KSTAT_KV_ALIGN * KSTAT_KV_ALIGN;
}

std::vector<std::byte> serialise(const ObKstat& k) {
  if (k.type != KSTAT_T_KV) return k.raw;
  std::vector<std::byte> out;
  for (const ObKv& e : k.kv) {
    kstat_kv kv;
    std::memset(&kv, 0, sizeof kv);
    std::memcpy(kv.kv_key, e.key.data(), std::min<std::size_t>(e.key.size(), KSTAT_KV_NAMELEN - 1));
    // Stored as integers: a test may send a type the C enum cannot hold.
    const unsigned type = static_cast<unsigned>(e.type), unit = static_cast<unsigned>(e.unit);
    std::memcpy(reinterpret_cast<char*>(&kv) + offsetof(kstat_kv, kv_type), &type, sizeof type);
    std::memcpy(reinterpret_cast<char*>(&kv) + offsetof(kstat_kv, kv_unit), &unit, sizeof unit);
    bool trailing = false;
    switch (e.type) {
      case KvType::boolean:
        kv.kv_v.v_bool = static_cast<unsigned>(e.u);
        break;
      case KvType::counter32:
      case KvType::uint32:
        kv.kv_v.v_u32 = static_cast<std::uint32_t>(e.u);
        break;
      case KvType::counter16:
      case KvType::uint16:
        kv.kv_v.v_u16 = static_cast<std::uint16_t>(e.u);
        break;
      case KvType::int64:
        kv.kv_v.v_s64 = e.i;
        break;
      case KvType::int32:
        kv.kv_v.v_s32 = static_cast<std::int32_t>(e.i);
        break;
      case KvType::int16:
        kv.kv_v.v_s16 = static_cast<std::int16_t>(e.i);
        break;
      case KvType::istr:
        std::memcpy(kv.kv_v.v_istr, e.s.data(), std::min<std::size_t>(e.s.size(), 16));
        break;
      case KvType::str:
      case KvType::bytes:
        kv.kv_v.v_len = e.len_override >= 0 ? static_cast<std::size_t>(e.len_override) : e.s.size();
        trailing = true;
        break;
      case KvType::null:
        break;
      default:
        kv.kv_v.v_u64 = e.u;
        break;
    }
    std::size_t at = out.size();
    out.resize(at + sizeof kv);
    std::memcpy(out.data() + at, &kv, sizeof kv);
    if (trailing) {
      at = out.size();
      out.resize(at + pad8(e.s.size()));
      std::memcpy(out.data() + at, e.s.data(), e.s.size());
    }
  }
  return out;
}

// FIND_ID / NFIND_ID, as sys/dev/kstat.c's kstatioc_enter/kstatioc_leave.
int find(ObKernel& kern, kstat_req* req, bool nfind) {
  std::lock_guard<std::mutex> lock(kern.mu);
  if ((req->ks_rflags & KSTATIOC_F_IGNVER) == 0 && req->ks_version != kern.ver) {
    ++kern.einval;
    return EINVAL;
  }
  ObKernel::Entry* e = nullptr;
  for (ObKernel::Entry& c : kern.entries)
    if (nfind ? c.id >= req->ks_id : c.id == req->ks_id) {
      e = &c;
      break;
    }
  if (e == nullptr) return ENOENT;
  if (!nfind) {
    ++kern.finds;
    if (e->k.vanish_on_read) {
      kern.entries.erase(kern.entries.begin() + (e - kern.entries.data()));
      ++kern.ver;
      return ENOENT;
    }
    if (e->k.fail != 0) return e->k.fail;
  }
  const ObKstat& k = e->k;
  std::vector<std::byte> data = serialise(k);
  if (req->ks_data != nullptr) {
    kern.clock += 1000;
    if (data.size() > req->ks_datalen) ++kern.short_reads;
    std::memcpy(req->ks_data, data.data(), std::min(data.size(), req->ks_datalen));
    req->ks_updated = to_ts(kern.clock);
  } else {
    req->ks_updated = to_ts(kern.clock);
  }
  req->ks_datalen = data.size();
  req->ks_version = kern.ver;
  req->ks_id = e->id;
  std::memset(req->ks_provider, 0, KSTAT_STRLEN);
  std::memcpy(req->ks_provider, k.provider.data(),
              std::min<std::size_t>(k.provider.size(), KSTAT_STRLEN - 1));
  std::memset(req->ks_name, 0, KSTAT_STRLEN);
  std::memcpy(req->ks_name, k.name.data(), std::min<std::size_t>(k.name.size(), KSTAT_STRLEN - 1));
  req->ks_instance = k.instance;
  req->ks_unit = k.unit;
  req->ks_created = to_ts(k.created_ns);
  req->ks_interval = to_ts(0);
  req->ks_type = k.type;
  req->ks_state = 1;  // KSTAT_S_INSTALLED
  return 0;
}

class Use {
 public:
  explicit Use(Fd& f) : f_(f) {
    if (f_.busy.exchange(true)) {
      ++f_.kernel->concurrent_use;
      nested_ = true;
    }
  }
  ~Use() {
    if (!nested_) f_.busy = false;
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

 private:
  Fd& f_;
  bool nested_ = false;
};

int fake_open(const char* path, int) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_kernel || std::strcmp(path, "/dev/kstat") != 0) return errno = ENOENT, -1;
  auto f = std::make_shared<Fd>();
  f->kernel = g_kernel;
  ++g_kernel->open_fds;
  g_fds[g_next_fd] = f;
  return g_next_fd++;
}

int fake_ioctl(int fd, unsigned long request, void* arg) {
  std::shared_ptr<Fd> f = fd_of(fd);
  if (!f) return errno = EBADF, -1;
  Use use(*f);
  ObKernel& kern = *f->kernel;
  int err = 0;
  if (request == KSTATIOC_VERSION) {
    *static_cast<unsigned*>(arg) = kern.version();
  } else if (request == KSTATIOC_FIND_ID || request == KSTATIOC_NFIND_ID) {
    if (request == KSTATIOC_NFIND_ID && kern.on_nfind) kern.on_nfind();
    err = find(kern, static_cast<kstat_req*>(arg), request == KSTATIOC_NFIND_ID);
  } else {
    err = ENOTTY;
  }
  return err == 0 ? 0 : (errno = err, -1);
}

int fake_close(int fd) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_fds.find(fd);
  if (it == g_fds.end()) return errno = EBADF, -1;
  --it->second->kernel->open_fds;
  g_fds.erase(it);
  return 0;
}

const engine::DevKstatOps kOps = {fake_open, fake_ioctl, fake_close};

}  // namespace

std::uint64_t ObKernel::add(ObKstat k) {
  std::lock_guard<std::mutex> lock(mu);
  entries.push_back({next_id, std::move(k)});
  ++ver;
  return next_id++;
}

void ObKernel::remove(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = entries.begin(); it != entries.end(); ++it)
    if (it->id == id) {
      entries.erase(it);
      ++ver;
      return;
    }
}

void ObKernel::modify(std::uint64_t id, const std::function<void(ObKstat&)>& f) {
  std::lock_guard<std::mutex> lock(mu);
  for (Entry& e : entries)
    if (e.id == id) f(e.k);
}

void ObKernel::bump_version() {
  std::lock_guard<std::mutex> lock(mu);
  ++ver;
}

unsigned ObKernel::version() const {
  std::lock_guard<std::mutex> lock(mu);
  return ver;
}

void install_ob_kernel(std::shared_ptr<ObKernel> kernel) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_kernel = std::move(kernel);
}

const engine::DevKstatOps* fake_devkstat_ops() {
  return &kOps;
}

}  // namespace kstatsql::fakes
