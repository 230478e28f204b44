// engine/sources/linux/families.cpp — the list of Linux families, in part order.
#include "engine/sources/linux/families.hpp"

namespace kstatsql::engine::linuxsrc {

std::vector<std::unique_ptr<Family>> make_families(LinuxSource& src) {
  std::vector<std::unique_ptr<Family>> v;
  v.push_back(make_cpu_family(src));
  v.push_back(make_system_family(src));
  v.push_back(make_unix_family(src));
  v.push_back(make_disk_family(src));
  v.push_back(make_link_family(src));
  v.push_back(make_nfs_family(src));
  v.push_back(make_spl_family(src));
  v.push_back(make_sensor_family(src));
  v.push_back(make_cgroup_family(src));
  v.push_back(make_kernel_misc_family(src));
  v.push_back(make_irq_family(src));
  v.push_back(make_softirq_family(src));
  v.push_back(make_cpu_info_family(src));
  v.push_back(make_net_snmp_family(src));
  v.push_back(make_net_snmp6_family(src));
  v.push_back(make_sockstat_family(src));
  v.push_back(make_softnet_family(src));
  v.push_back(make_conntrack_family(src));
  v.push_back(make_swap_family(src));
  v.push_back(make_zoneinfo_family(src));
  v.push_back(make_buddyinfo_family(src));
  v.push_back(make_slab_family(src));
  v.push_back(make_vm_tunables_family(src));
  v.push_back(make_mdstat_family(src));
  v.push_back(make_fs_family(src));
  v.push_back(make_fs_pseudo_family(src));
  v.push_back(make_xfs_family(src));
  v.push_back(make_btrfs_family(src));
  v.push_back(make_bcache_family(src));
  v.push_back(make_fscache_family(src));
  v.push_back(make_nfs_rpc_family(src));
  return v;
}

}  // namespace kstatsql::engine::linuxsrc
