// engine/sources/linux/families.hpp — one factory per family of Linux files.
// Adding a family: a file in this folder defining its Family subclass and
// factory, a line here, a line in families.cpp, and a line in
// engine/sources/CMakeLists.txt.
#pragma once

#include <memory>

#include "engine/sources/linux/linux_source.hpp"

namespace kstatsql::engine::linuxsrc {

std::unique_ptr<Family> make_cpu_family(LinuxSource& src);  // cpu:N:sys (cpu_kstats.cpp)
std::unique_ptr<Family> make_system_family(
    LinuxSource& src);  // unix:0:system_*, linux:0:* (system_kstats.cpp)
std::unique_ptr<Family> make_unix_family(
    LinuxSource& src);  // unix:0:sysinfo/vminfo/var, pressure (unix_kstats.cpp)
std::unique_ptr<Family> make_disk_family(LinuxSource& src);  // /proc/diskstats (disks.cpp)
std::unique_ptr<Family> make_link_family(LinuxSource& src);  // link:0:<if> (links.cpp)
std::unique_ptr<Family> make_nfs_family(LinuxSource& src);   // nfs:N:* (nfs_mounts.cpp)
std::unique_ptr<Family> make_spl_family(LinuxSource& src);   // /proc/spl/kstat (spl_kstats.cpp)
std::unique_ptr<Family> make_sensor_family(
    LinuxSource& src);  // thermal/hwmon/power_supply (sensors.cpp)
std::unique_ptr<Family> make_cgroup_family(LinuxSource& src);  // cgroup:0:<path> (cgroups.cpp)
std::unique_ptr<Family> make_kernel_misc_family(
    LinuxSource& src);  // linux:0:random, file_nr, inode_nr (kernel_misc.cpp)
std::unique_ptr<Family> make_irq_family(LinuxSource& src);      // irq:N:<device> (interrupts.cpp)
std::unique_ptr<Family> make_softirq_family(LinuxSource& src);  // cpu:N:softirqs (softirqs.cpp)
std::unique_ptr<Family> make_cpu_info_family(
    LinuxSource& src);  // cpu_info:N:cpu_infoN (cpu_info.cpp)
std::unique_ptr<Family> make_net_snmp_family(
    LinuxSource& src);  // tcp:0:tcp, udp:0:udp, ip:0:ip, ip:0:icmp (net_snmp.cpp)
std::unique_ptr<Family> make_net_snmp6_family(
    LinuxSource& src);  // ip:0:ip6, ip:0:icmp6, udp:0:udp6 (net_snmp6.cpp)
std::unique_ptr<Family> make_sockstat_family(
    LinuxSource& src);  // linux:0:sockstat, sockstat6 (sockstat.cpp)
std::unique_ptr<Family> make_softnet_family(
    LinuxSource& src);  // softnet:N:softnet_stat (softnet.cpp)
std::unique_ptr<Family> make_conntrack_family(
    LinuxSource& src);  // nf_conntrack:0:nf_conntrack (conntrack.cpp)

std::unique_ptr<Family> make_swap_family(LinuxSource& src);  // linux:0:swap_<path> (swaps.cpp)
std::unique_ptr<Family> make_zoneinfo_family(
    LinuxSource& src);  // linux:N:zone_<Z>, node_stats (memory_zones.cpp)
std::unique_ptr<Family> make_buddyinfo_family(
    LinuxSource& src);                                       // linux:N:buddy_<Z> (memory_zones.cpp)
std::unique_ptr<Family> make_slab_family(LinuxSource& src);  // unix:0:<cache> (slabinfo.cpp)
std::unique_ptr<Family> make_vm_tunables_family(
    LinuxSource& src);  // linux:0:vm_tunables (vm_tunables.cpp)
std::unique_ptr<Family> make_mdstat_family(LinuxSource& src);  // mdstat:N:mdN (mdstat.cpp)
std::unique_ptr<Family> make_fs_family(LinuxSource& src);  // fs:0:<mount point> (filesystems.cpp)
std::unique_ptr<Family> make_fs_pseudo_family(
    LinuxSource& src);  // fs_pseudo:0:<mount point> (filesystems.cpp)
std::unique_ptr<Family> make_xfs_family(LinuxSource& src);      // xfs:0:<line> (xfs.cpp)
std::unique_ptr<Family> make_btrfs_family(LinuxSource& src);    // btrfs:0:<uuid> (btrfs.cpp)
std::unique_ptr<Family> make_bcache_family(LinuxSource& src);   // bcache:0:<uuid> (bcache.cpp)
std::unique_ptr<Family> make_fscache_family(LinuxSource& src);  // fscache:0:stats (fscache.cpp)
std::unique_ptr<Family> make_nfs_rpc_family(
    LinuxSource& src);  // unix:0:rpc_*, nfs:*:rfs*, nfs_server (nfs_rpc.cpp)

}  // namespace kstatsql::engine::linuxsrc
