// engine/sources/multi/multi_source.cpp — MultiSource: several sources (hosts) as one.
//
// Cookies: the child's index in the top 8 bits, the child's own cookie below
// (every source in kstatsql keeps its cookies under 2^56; a larger one is an
// internal error, not a silent collision). Hence at most 255 children.
// The alignment rule and host tagging are documented on open_multi_source().
#include <sys/utsname.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/sources/multi/multi_source.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql::engine {

namespace {

constexpr int kChildShift = 56;
constexpr std::uint64_t kCookieMask = (std::uint64_t{1} << kChildShift) - 1;

std::string base_name(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  std::size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

std::string host_of(const std::string& spec, const Source& src) {
  if (std::string h = src.recorded_host(); !h.empty()) return h;
  if (spec.empty() || spec == "live") {
    struct utsname u {};
    return ::uname(&u) == 0 ? std::string(u.nodename) : std::string("localhost");
  }
  constexpr std::string_view kProcfs = "procfs:";
  if (spec.compare(0, kProcfs.size(), kProcfs) == 0) return base_name(spec.substr(kProcfs.size()));
  return base_name(spec);
}

struct Child {
  std::string spec;
  std::string host;
  std::shared_ptr<Source> src;
};

// Children that name the same host (two recordings of one machine, or two
// machines both called "localhost") become distinct hosts "HOST@BASE", BASE
// being the spec's base name, with "#2", "#3"… when even those collide: a
// kstat is only ever compared with the same child's previous sample.
void distinct_hosts(std::vector<Child>& children) {
  std::map<std::string, std::size_t> uses;
  for (const Child& c : children) ++uses[c.host];
  std::set<std::string> taken;
  for (const Child& c : children)
    if (uses[c.host] == 1) taken.insert(c.host);
  for (Child& c : children) {
    if (uses[c.host] == 1) continue;
    const std::string stem = c.host + "@" + base_name(c.spec);
    std::string name = stem;
    for (int k = 2; !taken.insert(name).second; ++k) name = stem + "#" + std::to_string(k);
    c.host = std::move(name);
  }
}

class MultiSource final : public Source {
 public:
  explicit MultiSource(std::vector<Child> children) : children_(std::move(children)) {}

  std::string description() const override {
    std::string d = "multi-host (";
    for (std::size_t c = 0; c < children_.size(); ++c) {
      if (c) d += "; ";
      d += children_[c].host + ": " + children_[c].src->description();
    }
    return d + ")";
  }

  void check_intact() const override {
    for (const Child& c : children_) c.src->check_intact();
  }

  bool changed() override {
    bool any = false;
    for (Child& c : children_) any = c.src->changed() || any;  // ask every child
    return any;
  }

  void begin_generation() override {
    for (Child& c : children_) c.src->begin_generation();
  }

  void enumerate(Arena& arena, std::vector<KstatHeader>& out) override {
    for (std::size_t c = 0; c < children_.size(); ++c) {
      std::size_t from = out.size();
      children_[c].src->enumerate(arena, out);
      tag(c, arena, out, from);
    }
  }

  void read(const KstatHeader& header, Arena& arena, KstatData& out) override {
    std::size_t c = static_cast<std::size_t>(header.cookie >> kChildShift);
    if (c >= children_.size()) {
      throw Error(Errc::internal, "multi-host source: read of a kstat it never listed");
    }
    KstatHeader h = header;
    h.cookie = header.cookie & kCookieMask;
    children_[c].src->read(h, arena, out);
  }

  std::size_t recorded_count() const override {
    std::size_t n = 0;
    for (const Child& c : children_) n = std::max(n, c.src->recorded_count());
    return n;
  }

  void enumerate_recorded(std::size_t g, Arena& arena, std::vector<KstatHeader>& out) override {
    for (std::size_t c = 0; c < children_.size(); ++c) {
      Source& s = *children_[c].src;
      std::size_t from = out.size();
      std::size_t n = s.recorded_count();
      if (n == 0) {
        s.enumerate(arena, out);  // a dump or live source: its current data
      } else if (g < n) {
        s.enumerate_recorded(g, arena, out);
      }
      tag(c, arena, out, from);
    }
  }

  std::int64_t recorded_time(std::size_t g) const override {
    for (const Child& c : children_) {
      if (g < c.src->recorded_count()) return c.src->recorded_time(g);
    }
    return 0;
  }

  const std::vector<Child>& children() const noexcept { return children_; }

  std::vector<RecordedInfo> recorded_info() const override {
    std::vector<std::vector<RecordedInfo>> per_child;
    for (const Child& c : children_) per_child.push_back(c.src->recorded_info());
    std::vector<RecordedInfo> v;
    for (std::size_t g = 0; g < recorded_count(); ++g) {
      for (std::size_t c = 0; c < per_child.size(); ++c) {
        if (g >= per_child[c].size()) continue;
        RecordedInfo i = per_child[c][g];
        i.host = children_[c].host;
        v.push_back(std::move(i));
      }
    }
    return v;
  }

  std::string warnings() const override {
    std::string w;
    for (const Child& c : children_) {
      std::string cw = c.src->warnings();
      if (cw.empty()) continue;
      if (!w.empty()) w += '\n';
      w += cw;
    }
    return w;
  }

 private:
  void tag(std::size_t c, Arena& arena, std::vector<KstatHeader>& out, std::size_t from) {
    std::string_view host;
    for (std::size_t k = from; k < out.size(); ++k) {
      KstatHeader& h = out[k];
      if (h.cookie > kCookieMask) {
        throw Error(Errc::internal,
                    children_[c].spec + ": cookie too large for a multi-host source");
      }
      h.cookie |= static_cast<std::uint64_t>(c) << kChildShift;
      if (h.host.empty()) {
        if (host.empty()) host = arena.copy(children_[c].host);
        h.host = host;
      }
    }
  }

  std::vector<Child> children_;
};

}  // namespace

std::shared_ptr<Source> open_multi_source(const std::vector<std::string>& specs,
                                          const SourceOpener& open) {
  if (specs.size() < 2) throw Error(Errc::parse, "a multi-host source needs at least two sources");
  if (specs.size() > 255) throw Error(Errc::parse, "a multi-host source takes at most 255 sources");
  std::vector<Child> children;
  for (const std::string& s : specs) {
    if (s.empty()) throw Error(Errc::parse, "multi-host source: empty source in the list");
    auto src = open(s);
    std::string host = host_of(s, *src);
    children.push_back({s, std::move(host), std::move(src)});
  }
  distinct_hosts(children);
  return std::make_shared<MultiSource>(std::move(children));
}

}  // namespace kstatsql::engine
