// engine/sources/linux/sensors.cpp — hardware sensors from sysfs, with units:
//   thermal:N:thermal_zoneN      /sys/class/thermal/thermal_zoneN
//   hwmon:N:<chip name>          /sys/class/hwmon/hwmonN (temp*, in*, curr*, power*, fan*, …)
//   power_supply:0:<supply>      /sys/class/power_supply/<supply>
// all of class `sensor`. illumos has no sensor kstats (its ksensors are read
// through /dev/sensors), so the statistics keep the sysfs file names; values
// are converted to the OpenBSD sensor units (temperature µK, volts µV, amps
// µA, watts µW) and carry the OpenBSD value types (temp, volts_dc, amps,
// watts) with their unit, as the OpenBSD source does. A negative volts/amps/
// watts value (a battery discharging) is an int64 with the same unit.
// One sensor file that cannot be read (EIO, ENODATA: the chip did not
// answer) costs only its own value; one that does not hold a number is the
// kstat's error. docs/linux-mapping.md ("Sensors") has the table.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "engine/sources/linux/families.hpp"
#include "engine/sources/linux/procfs.hpp"

namespace kstatsql::engine::linuxsrc {

namespace {

using procfs::parse_i64;
using procfs::parse_u64;
using procfs::StatList;

enum class Kind : std::uint32_t { thermal, hwmon, power_supply };

// What a sensor file holds and how it becomes an OpenBSD-unit value.
enum class Q {
  milli_celsius,
  deci_celsius,
  milli_to_micro_volts,
  micro_volts,
  milli_to_micro_amps,
  micro_amps,
  micro_watts,
  seconds,
  plain
};

constexpr std::int64_t kZeroCelsiusUk = 273150000;  // 0 °C in µK

std::string_view first_line(std::string_view t) {
  return procfs::trim(t.substr(0, t.find('\n')));
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Adds `name` = raw × the scale of q, typed as OpenBSD types its sensors.
// Returns false when the result does not fit in 64 bits.
bool add_quantity(StatList& s, Arena& arena, std::string_view name, std::int64_t raw, Q q) {
  ValueType type = ValueType::int64;
  Unit unit = Unit::none;
  std::int64_t v = raw;
  auto scale = [&](std::int64_t m, std::int64_t offset) {
    if (raw > (INT64_MAX - offset) / m || raw < (INT64_MIN + offset) / m) return false;
    v = raw * m + offset;
    return true;
  };
  bool ok = true;
  switch (q) {
    case Q::milli_celsius:
      ok = scale(1000, kZeroCelsiusUk), type = ValueType::temp, unit = Unit::ukelvin;
      break;
    case Q::deci_celsius:
      ok = scale(100000, kZeroCelsiusUk), type = ValueType::temp, unit = Unit::ukelvin;
      break;
    case Q::milli_to_micro_volts:
      ok = scale(1000, 0), type = ValueType::volts_dc, unit = Unit::uvolts;
      break;
    case Q::micro_volts:
      type = ValueType::volts_dc, unit = Unit::uvolts;
      break;
    case Q::milli_to_micro_amps:
      ok = scale(1000, 0), type = ValueType::amps, unit = Unit::uamps;
      break;
    case Q::micro_amps:
      type = ValueType::amps, unit = Unit::uamps;
      break;
    case Q::micro_watts:
      type = ValueType::watts, unit = Unit::uwatts;
      break;
    case Q::seconds:
      ok = scale(1000000000, 0), type = ValueType::uint64, unit = Unit::ns;
      break;
    case Q::plain:
      type = ValueType::uint64;
      break;
  }
  if (!ok) return false;
  if (v < 0) return s.add_i64(name, v, unit), true;  // the typed kinds are unsigned
  NamedStat st;
  const std::string_view n = arena.copy(name);
  st.name = n.data();
  st.name_len = static_cast<std::uint32_t>(n.size());
  st.type = type;
  st.unit = unit;
  st.v.u = static_cast<std::uint64_t>(v);
  s.append(std::span<const NamedStat>(&st, 1));
  return true;
}

// hwmon attribute "<type><index>_<item>": which items are kept, and as what.
struct HwmonType {
  std::string_view prefix;
  Q q;
  std::vector<std::string_view> items;
};
const HwmonType kHwmon[] = {
    {"temp",
     Q::milli_celsius,
     {"input", "min", "max", "crit", "lcrit", "emergency", "lowest", "highest", "max_hyst",
      "min_hyst", "crit_hyst", "lcrit_hyst", "emergency_hyst"}},
    {"in",
     Q::milli_to_micro_volts,
     {"input", "min", "max", "lcrit", "crit", "average", "lowest", "highest"}},
    {"curr",
     Q::milli_to_micro_amps,
     {"input", "min", "max", "lcrit", "crit", "average", "lowest", "highest"}},
    {"power",
     Q::micro_watts,
     {"input", "average", "cap", "cap_max", "cap_min", "max", "crit", "input_highest",
      "input_lowest", "average_highest", "average_lowest"}},
    {"fan", Q::plain, {"input", "min", "max", "target"}},  // RPM
    {"energy", Q::plain, {"input"}},                       // µJ
    {"humidity", Q::plain, {"input", "min", "max"}},       // milli-percent
};

// Which hwmon kind and item a file name is; nullptr when it is not kept.
// `label`/`flag`: the file is the sensor's label string or an alarm/fault bit
// (*_alarm, *_crit_alarm, *_fault: 0 or 1).
const HwmonType* hwmon_kind(std::string_view file, bool& label, bool& flag) {
  label = flag = false;
  for (const HwmonType& t : kHwmon) {
    if (!starts_with(file, t.prefix)) continue;
    std::size_t i = t.prefix.size(), j = i;
    while (j < file.size() && file[j] >= '0' && file[j] <= '9') ++j;
    if (j == i || j >= file.size() || file[j] != '_') continue;
    const std::string_view item = file.substr(j + 1);
    label = item == "label";
    flag = item == "fault" || (item.size() >= 5 && item.substr(item.size() - 5) == "alarm");
    if (label || flag) return &t;
    for (std::string_view k : t.items)
      if (k == item) return &t;
    return nullptr;
  }
  return nullptr;
}

// power_supply files kept as strings; the numeric ones are chosen by prefix.
constexpr std::string_view kSupplyStrings[] = {
    "status",        "type",  "technology",     "health",   "manufacturer", "model_name",
    "serial_number", "scope", "capacity_level", "usb_type", "charge_type",  "charge_behaviour"};

// The quantity of a power_supply numeric file; `unit_bearing` files must
// parse (others are kept when they hold one number, skipped otherwise).
Q supply_quantity(std::string_view f, bool& unit_bearing) {
  unit_bearing = true;
  if (starts_with(f, "voltage_")) return Q::micro_volts;
  if (starts_with(f, "current_")) return Q::micro_amps;
  if (starts_with(f, "power_")) return Q::micro_watts;
  if (starts_with(f, "temp")) return Q::deci_celsius;
  if (starts_with(f, "time_to_")) return Q::seconds;
  unit_bearing =
      starts_with(f, "charge_") || starts_with(f, "energy_") || starts_with(f, "capacity");
  return Q::plain;  // charge µAh, energy µWh, capacity %, cycle_count, online, present …
}

class SensorFamily final : public Family {
 public:
  using Family::Family;
  PartScope scope() const override {
    return {{"thermal", "hwmon", "power_supply"}, {}, {"sensor"}, {}};
  }
  void enumerate(Lister& out) override;
  std::string read(const KstatHeader& h, std::uint32_t kind, Arena& arena, KstatData& out,
                   int& err) override {
    switch (static_cast<Kind>(kind)) {
      case Kind::thermal:
        return read_thermal(h, arena, out, err);
      case Kind::hwmon:
        return read_hwmon(h, arena, out, err);
      case Kind::power_supply:
        return read_supply(h, arena, out, err);
    }
    return err = ENOENT, "not a kstat of this family";
  }

 private:
  std::string read_thermal(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_hwmon(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  std::string read_supply(const KstatHeader& h, Arena& arena, KstatData& out, int& err);
  // Adds one numeric file as q; a missing or unreadable file adds nothing.
  // Returns the error for a file that does not hold an integer.
  std::string add_file(StatList& s, Arena& arena, const std::string& path, std::string_view name,
                       Q q, KstatData& out);
  std::string hwmon_dir(std::int64_t n) const;
};

// "thermal_zone12" → 12, "hwmon3" → 3; nullopt for other names.
std::optional<std::uint64_t> numbered(std::string_view name, std::string_view prefix) {
  return starts_with(name, prefix) ? parse_u64(name.substr(prefix.size())) : std::nullopt;
}

std::string SensorFamily::hwmon_dir(std::int64_t n) const {
  const std::string dir = fmt::format("{}/class/hwmon/hwmon{}/", sys(), n);
  // Kernels before 3.x kept the attributes in the device directory.
  if (!procfs::exists(dir + "name") && procfs::exists(dir + "device/name")) return dir + "device/";
  return dir;
}

void SensorFamily::enumerate(Lister& out) {
  std::vector<std::string> names;
  if (procfs::list_dir(sys() + "/class/thermal", names) == 0)
    for (const std::string& n : names)
      if (auto z = numbered(n, "thermal_zone"))
        out.add("thermal", static_cast<std::int64_t>(*z), n, "sensor", KstatType::named,
                Kind::thermal);
  names.clear();
  if (procfs::list_dir(sys() + "/class/hwmon", names) == 0)
    for (const std::string& n : names) {
      auto h = numbered(n, "hwmon");
      if (!h) continue;
      const auto inst = static_cast<std::int64_t>(*h);
      std::string chip;
      if (procfs::read_file(hwmon_dir(inst) + "name", chip) != 0 || first_line(chip).empty())
        chip = n;
      out.add("hwmon", inst, first_line(chip), "sensor", KstatType::named, Kind::hwmon);
    }
  names.clear();
  if (procfs::list_dir(sys() + "/class/power_supply", names) == 0)
    for (const std::string& n : names)
      if (procfs::is_dir_or_link(sys() + "/class/power_supply/" + n))
        out.add("power_supply", 0, n, "sensor", KstatType::named, Kind::power_supply);
}

std::string SensorFamily::add_file(StatList& s, Arena& arena, const std::string& path,
                                   std::string_view name, Q q, KstatData& out) {
  int file_err = 0;
  const TextFile in = read_text(path, file_err, &out);
  if (!in) return {};
  auto v = parse_i64(first_line(*in.text));
  if (!v) return fmt::format("{}:1: expected an integer", path);
  if (!add_quantity(s, arena, name, *v, q)) return fmt::format("{}:1: value out of range", path);
  return {};
}

std::string SensorFamily::read_thermal(const KstatHeader& h, Arena& arena, KstatData& out,
                                       int& err) {
  const std::string dir = fmt::format("{}/class/thermal/{}/", sys(), h.name);
  if (!procfs::is_dir_or_link(dir)) return err = ENOENT, fmt::format("{}: {}", dir, "no such zone");
  StatList s(arena);
  int file_err = 0;
  for (const char* str : {"type", "mode", "policy"})
    if (const TextFile in = read_text(dir + str, file_err); in)
      s.add_str(str, first_line(*in.text));
  std::string msg = add_file(s, arena, dir + "temp", "temp", Q::milli_celsius, out);
  std::vector<std::string> files;
  procfs::list_dir(dir, files);
  for (const std::string& f : files) {
    if (!msg.empty()) break;
    if (!starts_with(f, "trip_point_")) continue;
    if (f.size() > 5 && f.substr(f.size() - 5) == "_temp")
      msg = add_file(s, arena, dir + f, f, Q::milli_celsius, out);
    if (f.size() > 5 && f.substr(f.size() - 5) == "_type")
      if (const TextFile in = read_text(dir + f, file_err); in) s.add_str(f, first_line(*in.text));
  }
  if (!msg.empty()) return err = EINVAL, msg;
  out.named = s.finish();
  return {};
}

std::string SensorFamily::read_hwmon(const KstatHeader& h, Arena& arena, KstatData& out, int& err) {
  const std::string dir = hwmon_dir(h.instance);
  std::vector<std::string> files;
  if (int e = procfs::list_dir(dir, files); e != 0)
    return err = e, fmt::format("{}: no such device", dir);
  StatList s(arena);
  int file_err = 0;
  std::string msg;
  for (const std::string& f : files) {
    bool label = false, flag = false;
    const HwmonType* t = hwmon_kind(f, label, flag);
    if (t == nullptr) continue;
    if (label) {
      if (const TextFile in = read_text(dir + f, file_err); in) s.add_str(f, first_line(*in.text));
      continue;
    }
    if (!(msg = add_file(s, arena, dir + f, f, flag ? Q::plain : t->q, out)).empty())
      return err = EINVAL, msg;
  }
  out.named = s.finish();
  return {};
}

std::string SensorFamily::read_supply(const KstatHeader& h, Arena& arena, KstatData& out,
                                      int& err) {
  const std::string dir = fmt::format("{}/class/power_supply/{}/", sys(), h.name);
  std::vector<std::string> files;
  if (int e = procfs::list_dir(dir, files); e != 0)
    return err = e, fmt::format("{}: no such supply", dir);
  StatList s(arena);
  int file_err = 0;
  for (const std::string& f : files) {
    if (!procfs::is_regular(dir + f) || f == "uevent") continue;
    const TextFile in = read_text(dir + f, file_err, &out);
    if (!in) continue;
    const std::string_view text = first_line(*in.text);
    if (std::find(std::begin(kSupplyStrings), std::end(kSupplyStrings), f) !=
        std::end(kSupplyStrings)) {
      s.add_str(f, text);
      continue;
    }
    bool unit_bearing = false;
    const Q q = supply_quantity(f, unit_bearing);
    auto v = parse_i64(text);
    if (!v && !unit_bearing) continue;  // a file this family does not know, not a number
    if (!v) return err = EINVAL, fmt::format("{}:1: expected an integer", in.path);
    if (!add_quantity(s, arena, f, *v, q))
      return err = EINVAL, fmt::format("{}:1: value out of range", in.path);
  }
  out.named = s.finish();
  return {};
}

}  // namespace

std::unique_ptr<Family> make_sensor_family(LinuxSource& src) {
  return std::make_unique<SensorFamily>(src);
}

}  // namespace kstatsql::engine::linuxsrc
