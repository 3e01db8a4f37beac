/**
 * Status badges (build, coverage, version, chat) are pictures of words a listener cannot act on. An image
 * is a badge when it comes from a badge service or CI, or when it links to CI.
 */
const BADGE_IMAGE = /(?:^|[/.])(?:shields\.io|badgen\.net|badge\.fury\.io|travis-ci\.(?:org|com)|circleci\.com|ci\.appveyor\.com|codecov\.io|coveralls\.io|snyk\.io|sonarcloud\.io|codeclimate\.com|app\.netlify\.com|pepy\.tech|deepwiki\.com)\/|badge(?:s)?(?:\.svg|\.png|\/|\?|$)|\/workflows\/[^/]+\/badge|_apis\/build\/status/i;
const CI_LINK = /\/actions(?:\/|$|\?)|travis-ci\.(?:org|com)|circleci\.com|ci\.appveyor\.com|dev\.azure\.com\/.*_build|codecov\.io|coveralls\.io/i;

export function isBadge(src: string, href: string | undefined): boolean {
  return BADGE_IMAGE.test(src) || (href !== undefined && CI_LINK.test(href));
}
