// engine/sources/linux/pressure.cpp — PSI files (pressure.hpp).
#include "engine/sources/linux/pressure.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace kstatsql::engine::linuxsrc {

namespace {

// One "key=value" field of a PSI line into `s`; false when it is not one.
bool add_field(std::string_view field, const std::string& stem, procfs::StatList& s) {
  const std::size_t eq = field.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string_view key = field.substr(0, eq), val = field.substr(eq + 1);
  const std::string name = fmt::format("{}_{}", stem, key);
  if (key == "total") {
    auto us = procfs::parse_u64(val);
    if (!us || *us > UINT64_MAX / 1000) return false;
    s.add_u64(name + "_ns", *us * 1000, Unit::ns);
    return true;
  }
  // Two decimals, parsed exactly: no locale-dependent floating-point parser.
  auto hundredths = procfs::parse_fixed(val, 100, true);
  if (!hundredths || key.substr(0, 3) != "avg") return false;
  s.add_f64(name, static_cast<double>(*hundredths) / 100.0);
  return true;
}

}  // namespace

std::string parse_pressure(std::string_view text, const std::string& path, std::string_view prefix,
                           procfs::StatList& s) {
  std::string msg;
  procfs::for_each_line(text, [&](std::string_view line, std::size_t no) {
    auto f = procfs::fields(line);
    if (f.empty()) return true;
    bool ok = (f[0] == "some" || f[0] == "full") && f.size() == 5;
    const std::string stem = fmt::format("{}{}", prefix, ok ? f[0] : std::string_view{});
    for (std::size_t i = 1; ok && i < f.size(); ++i) ok = add_field(f[i], stem, s);
    if (!ok)
      msg = fmt::format("{}:{}: expected 'some|full avg10=N avg60=N avg300=N total=N'", path, no);
    return ok;
  });
  return msg;
}

}  // namespace kstatsql::engine::linuxsrc
