#include "engine/kstat.hpp"

#include <cerrno>
#include <cstring>

#include "engine/source.hpp"
#include "kstatsql/error.hpp"

namespace kstatsql {}  // namespace kstatsql

namespace kstatsql::engine {

const char* type_name(KstatType t) noexcept {
  switch (t) {
    case KstatType::raw:
      return "raw";
    case KstatType::named:
      return "named";
    case KstatType::intr:
      return "intr";
    case KstatType::io:
      return "io";
    case KstatType::timer:
      return "timer";
  }
  return "unknown";
}

const char* type_name(ValueType t) noexcept {
  switch (t) {
    case ValueType::char_:
      return "char";
    case ValueType::int32:
      return "int32";
    case ValueType::uint32:
      return "uint32";
    case ValueType::int64:
      return "int64";
    case ValueType::uint64:
      return "uint64";
    case ValueType::float_:
      return "float";
    case ValueType::double_:
      return "double";
    case ValueType::string:
      return "string";
    case ValueType::hrtime:
      return "hrtime";
    case ValueType::boolean:
      return "bool";
    case ValueType::counter:
      return "counter";
    case ValueType::temp:
      return "temp";
    case ValueType::freq:
      return "freq";
    case ValueType::volts_dc:
      return "volts_dc";
    case ValueType::volts_ac:
      return "volts_ac";
    case ValueType::amps:
      return "amps";
    case ValueType::watts:
      return "watts";
    case ValueType::bytes:
      return "bytes";
    case ValueType::null:
      return "null";
  }
  return "unknown";
}

Repr repr_of(ValueType t) noexcept {
  switch (t) {
    case ValueType::int32:
    case ValueType::int64:
    case ValueType::hrtime:
      return Repr::i64;
    case ValueType::uint32:
    case ValueType::uint64:
    case ValueType::boolean:
    case ValueType::counter:
    case ValueType::temp:
    case ValueType::freq:
    case ValueType::volts_dc:
    case ValueType::volts_ac:
    case ValueType::amps:
    case ValueType::watts:
      return Repr::u64;
    case ValueType::float_:
    case ValueType::double_:
      return Repr::f64;
    case ValueType::char_:
    case ValueType::string:
      return Repr::str;
    case ValueType::bytes:
      return Repr::blob;
    case ValueType::null:
      return Repr::null;
  }
  return Repr::null;
}

const char* unit_name(Unit u) noexcept {
  switch (u) {
    case Unit::none:
      return nullptr;
    case Unit::packets:
      return "packets";
    case Unit::bytes:
      return "bytes";
    case Unit::cycles:
      return "cycles";
    case Unit::ns:
      return "ns";
    case Unit::ukelvin:
      return "uK";
    case Unit::hz:
      return "Hz";
    case Unit::uvolts:
      return "uV";
    case Unit::uamps:
      return "uA";
    case Unit::uwatts:
      return "uW";
    case Unit::pages:
      return "pages";
  }
  return nullptr;
}

namespace {

NamedStat make_stat(std::string_view name, ValueType type) {
  NamedStat s;
  s.name = name.data();
  s.name_len = static_cast<std::uint32_t>(name.size());
  s.type = type;
  return s;
}

NamedStat u64_stat(std::string_view name, ValueType type, std::uint64_t v) {
  NamedStat s = make_stat(name, type);
  s.v.u = v;
  return s;
}

NamedStat i64_stat(std::string_view name, ValueType type, std::int64_t v, Unit unit) {
  NamedStat s = make_stat(name, type);
  s.v.i = v;
  s.unit = unit;
  return s;
}

}  // namespace

IoStats io_from_values(const std::uint64_t (&v)[12]) noexcept {
  IoStats io;
  io.nread = v[0];
  io.nwritten = v[1];
  io.reads = static_cast<std::uint32_t>(v[2]);
  io.writes = static_cast<std::uint32_t>(v[3]);
  io.wtime = static_cast<std::int64_t>(v[4]);
  io.wlentime = static_cast<std::int64_t>(v[5]);
  io.wlastupdate = static_cast<std::int64_t>(v[6]);
  io.rtime = static_cast<std::int64_t>(v[7]);
  io.rlentime = static_cast<std::int64_t>(v[8]);
  io.rlastupdate = static_cast<std::int64_t>(v[9]);
  io.wcnt = static_cast<std::uint32_t>(v[10]);
  io.rcnt = static_cast<std::uint32_t>(v[11]);
  return io;
}

// kstat(8) prints the six io time fields as integer nanoseconds (UINT64).
std::span<const NamedStat> io_as_named(const IoStats& io, Arena& arena) {
  NamedStat* p = arena.make_array<NamedStat>(12);
  p[0] = u64_stat(kIoNames[0], ValueType::uint64, io.nread);
  p[0].unit = Unit::bytes;
  p[1] = u64_stat(kIoNames[1], ValueType::uint64, io.nwritten);
  p[1].unit = Unit::bytes;
  p[2] = u64_stat(kIoNames[2], ValueType::uint32, io.reads);
  p[3] = u64_stat(kIoNames[3], ValueType::uint32, io.writes);
  p[4] = i64_stat(kIoNames[4], ValueType::int64, io.wtime, Unit::ns);
  p[5] = i64_stat(kIoNames[5], ValueType::int64, io.wlentime, Unit::ns);
  p[6] = i64_stat(kIoNames[6], ValueType::int64, io.wlastupdate, Unit::ns);
  p[7] = i64_stat(kIoNames[7], ValueType::int64, io.rtime, Unit::ns);
  p[8] = i64_stat(kIoNames[8], ValueType::int64, io.rlentime, Unit::ns);
  p[9] = i64_stat(kIoNames[9], ValueType::int64, io.rlastupdate, Unit::ns);
  p[10] = u64_stat(kIoNames[10], ValueType::uint32, io.wcnt);
  p[11] = u64_stat(kIoNames[11], ValueType::uint32, io.rcnt);
  return {p, 12};
}

std::span<const NamedStat> intr_as_named(const IntrStats& intr, Arena& arena) {
  NamedStat* p = arena.make_array<NamedStat>(5);
  for (int i = 0; i < 5; ++i) p[i] = u64_stat(kIntrNames[i], ValueType::uint32, intr.intrs[i]);
  return {p, 5};
}

// kstat(8) decodes only the first timer; we show every record, the first under
// kstat(8)'s names and later ones with a "_N" suffix (N = record index).
std::span<const NamedStat> timers_as_named(std::span<const TimerStat> timers, Arena& arena) {
  if (timers.empty()) return {};
  static constexpr std::string_view kNames[7] = {
      "name", "num_events", "elapsed_time", "min_time", "max_time", "start_time", "stop_time"};
  NamedStat* p = arena.make_array<NamedStat>(7 * timers.size());
  for (std::size_t t = 0; t < timers.size(); ++t) {
    std::string_view names[7];
    for (int k = 0; k < 7; ++k) {
      if (t == 0) {
        names[k] = kNames[k];
      } else {
        std::string n(kNames[k]);
        n += '_';
        n += std::to_string(t);
        names[k] = arena.copy(n);
      }
    }
    const TimerStat& ts = timers[t];
    NamedStat* q = p + 7 * t;
    q[0] = make_stat(names[0], ValueType::string);
    q[0].v.s = ts.name;
    q[0].str_len = ts.name_len;
    q[1] = u64_stat(names[1], ValueType::uint64, ts.num_events);
    q[2] = i64_stat(names[2], ValueType::int64, ts.elapsed_time, Unit::ns);
    q[3] = i64_stat(names[3], ValueType::int64, ts.min_time, Unit::ns);
    q[4] = i64_stat(names[4], ValueType::int64, ts.max_time, Unit::ns);
    q[5] = i64_stat(names[5], ValueType::int64, ts.start_time, Unit::ns);
    q[6] = i64_stat(names[6], ValueType::int64, ts.stop_time, Unit::ns);
  }
  return {p, 7 * timers.size()};
}

void set_read_error(KstatData& out, Arena& arena, int err, std::string_view message) {
  out = KstatData{};
  out.err = err == 0 ? EIO : err;
  out.error = arena.copy(message.empty() ? std::string_view(std::strerror(out.err)) : message);
}

}  // namespace kstatsql::engine
