// The default of --jobs: the affinity mask, narrowed by a control group's CPU quota.
#include <gtest/gtest.h>
#include <sched.h>

#include "scheduler/cores.h"

using baton::scheduler::cores_of_cpu_max;
using baton::scheduler::usable_cores;

TEST(Cores, AQuotaGivesItsCoresRoundedUp) {
    EXPECT_EQ(cores_of_cpu_max("200000 100000"), 2u);
    EXPECT_EQ(cores_of_cpu_max("150000 100000"), 2u);  // a core and a half: both are used
    EXPECT_EQ(cores_of_cpu_max("50000 100000"), 1u);
    EXPECT_EQ(cores_of_cpu_max("400000 50000"), 8u);
}

TEST(Cores, NoQuotaOrAnUnreadableOneNarrowsNothing) {
    EXPECT_EQ(cores_of_cpu_max("max 100000"), 0u);
    EXPECT_EQ(cores_of_cpu_max(""), 0u);
    EXPECT_EQ(cores_of_cpu_max("max"), 0u);
    EXPECT_EQ(cores_of_cpu_max("lots 100000"), 0u);
    EXPECT_EQ(cores_of_cpu_max("100000 0"), 0u);
    EXPECT_EQ(cores_of_cpu_max("-1 100000"), 0u);
}

TEST(Cores, UsableCoresAreAtLeastOneAndNoMoreThanTheMaskAllows) {
    cpu_set_t mask;
    ASSERT_EQ(sched_getaffinity(0, sizeof mask, &mask), 0);
    EXPECT_GE(usable_cores(), 1u);
    EXPECT_LE(usable_cores(), static_cast<unsigned>(CPU_COUNT(&mask)));
}
