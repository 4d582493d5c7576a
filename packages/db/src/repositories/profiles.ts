import type { Db } from "../client.js";
import type { ProfileStatus } from "../../generated/prisma/client.js";

export interface ProfileView {
  profileId: string;
  status: ProfileStatus;
  name: string | null;
  email: string | null;
  location: string | null;
  timezone: string;
  profile: unknown;
  suggestedTitles: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The profile as its owner sees it, or null when it is not theirs. */
export const getProfileView = async (db: Db, userId: string, profileId: string): Promise<ProfileView | null> => {
  const p = await db.prisma.profile.findFirst({ where: { id: profileId, userId } });
  if (!p) return null;
  return {
    profileId: p.id,
    status: p.status,
    name: p.name,
    email: p.email,
    location: p.location,
    timezone: p.timezone,
    profile: p.data ?? null,
    suggestedTitles: p.suggestedTitles,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
};
