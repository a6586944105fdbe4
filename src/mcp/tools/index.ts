import type { AnyTool } from './define-tool';
import { enrollUser } from './enroll-user.tool';
import { getCourse } from './get-course.tool';
import { getMyProfile } from './get-my-profile.tool';
import { listMyEnrollments } from './list-my-enrollments.tool';
import { listUsers } from './list-users.tool';
import { searchCourses } from './search-courses.tool';

/** Every tool the gateway offers, in the order clients list them. */
export const ALL_TOOLS: readonly AnyTool[] = [
  getMyProfile,
  searchCourses,
  getCourse,
  listMyEnrollments,
  listUsers,
  enrollUser,
];

export * from './define-tool';
